"""Rosters simulated on lfw-dev: fixed thresholds against thresholds for the roster's size,
and the review queue's grey zone (run by bench/real_enrollment.py, which embeds the photos)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from open_set import FPIR_TARGETS, threshold_at

from attendance.matching import REVIEW_FACTOR
from attendance.thresholds import ImpostorScores, ThresholdRule

FPIRS = FPIR_TARGETS  # the rates every accuracy table reports


def simulate_rooms(
    probe_scores: NDArray[np.float32],
    probe_col: NDArray[np.int64],
    stranger_scores: NDArray[np.float32],
    shipped: ImpostorScores | None,
) -> None:
    """`probe_scores`/`stranger_scores`: (faces, people) cosine against each person's
    centroid; `probe_col`: each probe's own person (a column)."""
    n_people = stranger_scores.shape[1]
    everyone = tuple(threshold_at(stranger_scores.max(axis=1), f) for f in FPIRS)
    rng = np.random.default_rng(0)
    halves = np.array_split(rng.permutation(len(stranger_scores)), 2)

    def half_calibration(half: NDArray[np.int64]) -> ImpostorScores:
        ranked = np.sort(stranger_scores[half].ravel())[::-1]
        grid = np.round(np.arange(0.0, float(ranked[19]), 0.005), 4)
        shares = np.searchsorted(-ranked, -grid, side="right") / ranked.size
        tail = shares <= 1e-3
        slope = np.polyfit(grid[tail], np.log10(shares[tail]), 1)[0]
        return ImpostorScores("half", tuple(grid), tuple(shares), float(slope), ranked.size)

    print("\n## Room size\n")
    print("300 random rosters per size and half of the strangers; thresholds calibrated on")
    print("the other half (held out), then the halves swapped. FNIR / FPIR pooled.\n")
    print(
        "| roster | FPIR target | fixed threshold: FNIR / FPIR | size-aware (held out): "
        "threshold, FNIR / FPIR | size-aware (shipped calibration): threshold, FNIR / FPIR |"
    )
    print("|---|---|---|---|---|")
    for n in (10, 50, 200):
        for fpir, fixed in zip(FPIRS, everyone):
            tallies = {"fixed": [0, 0, 0, 0], "held": [0, 0, 0, 0], "shipped": [0, 0, 0, 0]}
            held_ts = []
            for calibrate, test in (halves, halves[::-1]):
                held = ThresholdRule(fpir=fpir, calibration=half_calibration(calibrate))
                ship = ThresholdRule(fpir=fpir, calibration=shipped)
                thresholds = {"fixed": fixed, "held": held.for_size(n), "shipped": ship.for_size(n)}
                held_ts.append(thresholds["held"])
                for _ in range(300):
                    roster = rng.choice(n_people, n, replace=False)
                    mine = np.isin(probe_col, roster)
                    scores = probe_scores[mine][:, roster]
                    right = roster[np.argmax(scores, axis=1)] == probe_col[mine]
                    best = scores.max(axis=1)
                    stranger_best = stranger_scores[test][:, roster].max(axis=1)
                    for key, t in thresholds.items():
                        tally = tallies[key]
                        tally[0] += int(np.sum(~(right & (best >= t))))
                        tally[1] += len(best)
                        tally[2] += int(np.sum(stranger_best >= t))
                        tally[3] += len(stranger_best)
            cells = []
            for key, t in (
                ("fixed", fixed),
                ("held", np.mean(held_ts)),
                ("shipped", ThresholdRule(fpir=fpir, calibration=shipped).for_size(n)),
            ):
                miss, probes_n, accepted, strangers_n = tallies[key]
                cells.append(f"{t:.3f}: {miss / probes_n:.4f} / {accepted / strangers_n:.3%}")
            print(f"| {n} | {fpir:.1%} | " + " | ".join(cells) + " |")
    review_zone(probe_scores, probe_col, stranger_scores, shipped, rng)


def review_zone(
    probe_scores: NDArray[np.float32],
    probe_col: NDArray[np.int64],
    stranger_scores: NDArray[np.float32],
    calibration: object,
    rng: np.random.Generator,
) -> None:
    """The review queue's grey zone under size-aware thresholds: a fixed 0.08 band against the
    threshold for twice the rate. Strangers whose best roster score falls in the zone are
    queued for nothing; probes whose own score does (ranked first) are rescued by a person."""
    print("\n### The review queue's grey zone\n")
    print("| roster | FPIR | threshold | zone | strangers queued | misses a person can rescue |")
    print("|---|---|---|---|---|---|")
    for n in (10, 50, 200):
        for fpir in FPIRS:
            rule = ThresholdRule(fpir=fpir, calibration=calibration)  # type: ignore[arg-type]
            t = rule.for_size(n)
            for label, floor in (
                ("fixed 0.08 band", t - 0.08),
                (f"{REVIEW_FACTOR:g} x the rate", rule.for_size(n, fpir=fpir * REVIEW_FACTOR)),
            ):
                queued = rescued = strangers = probes = 0
                for _ in range(300):
                    roster = rng.choice(stranger_scores.shape[1], n, replace=False)
                    best = stranger_scores[:, roster].max(axis=1)
                    queued += int(np.sum((best >= floor) & (best < t)))
                    strangers += len(best)
                    mine = np.isin(probe_col, roster)
                    scores = probe_scores[mine][:, roster]
                    right = roster[np.argmax(scores, axis=1)] == probe_col[mine]
                    top = scores.max(axis=1)
                    rescued += int(np.sum(right & (top >= floor) & (top < t)))
                    probes += len(top)
                print(
                    f"| {n} | {fpir:.1%} | {t:.3f} | {label}: from {floor:.3f} "
                    f"| {queued / strangers:.2%} | {rescued / probes:.2%} |"
                )
