"""Open-set identification figures: FNIR at a given FPIR, margins, and their tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attendance.gallery import NO_PERSON, Gallery

FPIR_TARGETS = (0.01, 0.001)
MARGINS = (0.0, 0.03, 0.05, 0.08)


@dataclass
class Scores:
    """Search results of one configuration; a face that was not found scores -inf."""

    probe_top1_is_own: NDArray[np.bool_]
    probe_own: NDArray[np.float32]  # probe vs its own person (the genuine score)
    probe_best: NDArray[np.float32]
    probe_margin: NDArray[np.float32]  # best minus runner-up person
    impostor_best: NDArray[np.float32]
    impostor_margin: NDArray[np.float32]
    no_face: dict[str, int]
    ms_per_image: float = float("nan")  # mean, from the timing pass


def search(
    gallery: Gallery, embeddings: list[NDArray[np.float32] | None], own: NDArray[np.int64]
) -> tuple[NDArray[np.bool_], NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
    """Per query: top-1 is `own`, best score, best minus runner-up, score of `own` (or -inf)."""
    n = len(embeddings)
    found = np.array([e is not None for e in embeddings], dtype=bool)
    top1 = np.full(n, NO_PERSON, np.int64)
    best, runner_up, own_score = (np.full(n, -np.inf, np.float32) for _ in range(3))
    if found.any():
        queries = np.stack([e for e in embeddings if e is not None])
        result = gallery.search(queries, k=2)
        top1[found] = result.person_ids[:, 0]
        best[found], runner_up[found] = result.scores[:, 0], result.scores[:, 1]
        column = np.minimum(np.searchsorted(gallery.people, own[found]), len(gallery.people) - 1)
        enrolled = gallery.people[column] == own[found]
        sims = gallery.person_scores(queries)[np.arange(len(queries)), column]
        own_score[found] = np.where(enrolled, sims, -np.inf)
    margin = np.where(found, best - np.where(found, runner_up, 0), -np.inf).astype(np.float32)
    return (top1 == own) & found, best, margin, own_score


def threshold_at(impostor_scores: NDArray[np.float32], fpir: float) -> float:
    """The lowest threshold with at most `fpir` of impostors at or above it."""
    allowed = int(np.floor(fpir * len(impostor_scores) + 1e-9))
    ranked = np.sort(impostor_scores)[::-1]
    if allowed >= len(ranked) or not np.isfinite(ranked[allowed]):
        return -np.inf
    return float(np.nextafter(ranked[allowed], np.float32(np.inf)))


def accepted(
    best: NDArray[np.float32], margin: NDArray[np.float32], t: float, m: float
) -> NDArray[np.bool_]:
    return (best >= t) & (margin >= m)


def fnir(s: Scores, t: float, m: float = 0.0) -> float:
    return 1.0 - float(np.mean(s.probe_top1_is_own & accepted(s.probe_best, s.probe_margin, t, m)))


def fpir(s: Scores, t: float, m: float = 0.0) -> float:
    return float(np.mean(accepted(s.impostor_best, s.impostor_margin, t, m)))


def wrong_person(s: Scores, t: float, m: float = 0.0) -> int:
    """Probes accepted as someone else: the error an attendance list cannot show."""
    return int(np.sum(~s.probe_top1_is_own & accepted(s.probe_best, s.probe_margin, t, m)))


def gated_threshold(s: Scores, fpir_target: float, m: float) -> float:
    """Threshold for `fpir_target` when a margin `m` is also required."""
    gated = np.where(s.impostor_margin >= m, s.impostor_best, -np.inf).astype(np.float32)
    return threshold_at(gated, fpir_target)


def percentiles(values: NDArray[np.float32], qs: tuple[int, ...]) -> str:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return "none"
    cells = " ".join(f"p{q}={np.percentile(finite, q):.3f}" for q in qs)
    return f"n={len(finite)} mean={finite.mean():.3f} {cells}"


def print_distributions(name: str, s: Scores) -> None:
    t1 = threshold_at(s.impostor_best, FPIR_TARGETS[0])
    t01 = threshold_at(s.impostor_best, FPIR_TARGETS[1])
    print(f"\n### {name}")
    print(f"no face found: {s.no_face}; thresholds: FPIR 1% -> {t1:.4f}, FPIR 0.1% -> {t01:.4f}")
    print("genuine (probe vs own person):  ", percentiles(s.probe_own, (1, 5, 10, 50, 90)))
    print("impostor (best over gallery):   ", percentiles(s.impostor_best, (50, 90, 99, 100)))
    correct = np.where(s.probe_top1_is_own, s.probe_margin, np.nan).astype(np.float32)
    print("margin, probes right at rank 1: ", percentiles(correct, (1, 5, 10, 25, 50)))
    print("margin, impostors:              ", percentiles(s.impostor_margin, (10, 50, 90, 99)))
    above = np.where(s.impostor_best >= t1, s.impostor_margin, np.nan).astype(np.float32)
    print("margin, impostors >= FPIR-1% t: ", percentiles(above, (0, 50, 100)))
    for m in MARGINS:
        lost = s.probe_top1_is_own & (s.probe_best >= t1) & (s.probe_margin < m)
        print(
            f"margin {m:.2f} at the FPIR-1% threshold: FNIR {fnir(s, t1, m):.4f}, "
            f"FPIR {fpir(s, t1, m):.4f}, genuine accepts lost {int(lost.sum())}, "
            f"wrong-person accepts {wrong_person(s, t1, m)}"
        )


def results_table(results: dict[str, Scores]) -> str:
    lines = [
        "| configuration | rank-1 | FNIR @ FPIR 1% | FNIR @ FPIR 0.1% | threshold 1% / 0.1% "
        "| no face (enroll/probe/impostor) | ms / image |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in results.items():
        t1, t01 = (threshold_at(s.impostor_best, f) for f in FPIR_TARGETS)
        faces = "/".join(str(s.no_face[r]) for r in ("enroll", "probe", "impostor"))
        lines.append(
            f"| {name} | {np.mean(s.probe_top1_is_own):.4f} | {fnir(s, t1):.4f} "
            f"| {fnir(s, t01):.4f} | {t1:.3f} / {t01:.3f} | {faces} "
            f"| {s.ms_per_image:.1f} |"
        )
    return "\n".join(lines)


def margin_table(results: dict[str, Scores]) -> str:
    """FNIR at FPIR 1% with the threshold recalibrated for each required margin."""
    head = " | ".join(f"margin {m:.2f}" for m in MARGINS)
    lines = [f"| configuration | {head} |", "|---|" + "---|" * len(MARGINS)]
    for name, s in results.items():
        cells = []
        for m in MARGINS:
            t = gated_threshold(s, FPIR_TARGETS[0], m)
            cells.append(f"{fnir(s, t, m):.4f} (t={t:.3f}, wrong {wrong_person(s, t, m)})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
