"""A second opinion on close calls: fusing a second recognizer's scores with the first's.

Each model's cosine is z-normalised by how different people's enrolled faces score against
each other in the gallery itself (impostor mean and spread), and the fused score is
`z_primary + weight * z_second`. A fused score is then turned back into the primary model's
scale: the primary score that strangers reach as rarely as they reach this fused score
(both rates from the lfw-dev calibrations). So thresholds, margins, review floors and the
roster-size rule (thresholds.py) work unchanged on fused scores, and a candidate with no
second template simply keeps its primary score.

The second model costs ~8x the first, so it is only asked about a face whose primary
decision is close: its best score within a band around its threshold, or ahead of its
runner-up by little (`FusionRule.is_close`). The band, the weight and the fused calibration
come from lfw-dev (bench/fusion.py writes attendance/calibration/fusion-*.json).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from attendance.gallery import NO_PERSON, Gallery, SearchResult
from attendance.thresholds import CALIBRATION_PACKAGE, ImpostorScores, calibration_for

# Fewer pairs of different people than this in a gallery: its own statistics are too noisy
# and the calibration's (lfw-dev's) are used instead.
MIN_PAIRS = 1_000
# At most this many people enter the gallery-vs-gallery statistics (a random sample).
SAMPLE_PEOPLE = 2_000


@dataclass(frozen=True)
class ScoreStats:
    """Mean and spread of one model's scores between different enrolled people."""

    mean: float
    std: float
    pairs: int

    def z(self, scores: NDArray[np.float32]) -> NDArray[np.float32]:
        return ((scores - self.mean) / max(self.std, 1e-6)).astype(np.float32)

    def as_dict(self) -> dict[str, float | int]:
        return {"mean": round(self.mean, 6), "std": round(self.std, 6), "pairs": self.pairs}

    @classmethod
    def from_dict(cls, data: dict[str, float | int]) -> ScoreStats:
        return cls(float(data["mean"]), float(data["std"]), int(data["pairs"]))


def impostor_stats(gallery: Gallery, *, seed: int = 0) -> ScoreStats | None:
    """Scores between different people of the gallery (each person's mean template), or None
    for a gallery of fewer than two people. A random `SAMPLE_PEOPLE` of a large gallery."""
    means = _person_rows(gallery)
    n = len(means)
    if n < 2:
        return None
    if n > SAMPLE_PEOPLE:
        pick = np.random.default_rng(seed).choice(n, SAMPLE_PEOPLE, replace=False)
        means = means[np.sort(pick)]
        n = SAMPLE_PEOPLE
    scores = means @ means.T
    upper = scores[np.triu_indices(n, k=1)].astype(np.float64)
    return ScoreStats(mean=float(upper.mean()), std=float(upper.std()), pairs=int(upper.size))


def _person_rows(gallery: Gallery) -> NDArray[np.float32]:
    """One row per person: the first row of each (a Gallery.of_people has one per person)."""
    _, first = np.unique(gallery.row_person, return_index=True)
    return np.ascontiguousarray(gallery.matrix[np.sort(first)], dtype=np.float32)


@dataclass(frozen=True)
class FusionRule:
    """How to fuse one pair of models, and when to ask the second (from lfw-dev)."""

    primary_key: str
    second_key: str
    weight: float  # the second model's weight in the fused z-score
    primary_prior: ScoreStats  # lfw-dev's gallery statistics, for galleries too small
    second_prior: ScoreStats
    fused: ImpostorScores  # per-comparison rate of strangers' fused scores
    band_below: float  # a best primary score this far below its threshold is close
    band_above: float  # ... and this far above it
    margin_band: float  # ahead of the runner-up by less than the margin plus this: close
    source: str = ""

    @property
    def key(self) -> str:
        return f"fusion:{self.primary_key}+{self.second_key}:w{self.weight:g}"

    def stats(self, gallery_stats: ScoreStats | None, *, second: bool) -> ScoreStats:
        """The gallery's own statistics when it has enough pairs (and a finite spread above
        zero: a gallery of copies of one face would divide by nothing), else the calibration's."""
        prior = self.second_prior if second else self.primary_prior
        if gallery_stats is None or gallery_stats.pairs < MIN_PAIRS:
            return prior
        if not (math.isfinite(gallery_stats.mean) and math.isfinite(gallery_stats.std)):
            return prior
        return gallery_stats if gallery_stats.std > 1e-6 else prior

    def is_close(
        self, *, best: float, margin: float | None, threshold: float, policy_margin: float
    ) -> bool:
        """Whether the primary decision on a face is close enough to ask the second model:
        its best score near the threshold, or clear of it but hardly ahead of the runner-up."""
        if not math.isfinite(best) or best < threshold - self.band_below:
            return False
        if best < threshold + self.band_above:
            return True
        return margin is not None and margin < policy_margin + self.margin_band

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": "fusion",
                "primary_key": self.primary_key,
                "second_key": self.second_key,
                "weight": self.weight,
                "primary_prior": self.primary_prior.as_dict(),
                "second_prior": self.second_prior.as_dict(),
                "band_below": self.band_below,
                "band_above": self.band_above,
                "margin_band": self.margin_band,
                "source": self.source,
                "fused": {
                    "model_key": self.fused.model_key,
                    "scores": list(self.fused.scores),
                    "exceed": list(self.fused.exceed),
                    "tail_slope": self.fused.tail_slope,
                    "comparisons": self.fused.comparisons,
                    "source": self.fused.source,
                },
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> FusionRule:
        data = json.loads(text)
        return cls(
            primary_key=str(data["primary_key"]),
            second_key=str(data["second_key"]),
            weight=float(data["weight"]),
            primary_prior=ScoreStats.from_dict(data["primary_prior"]),
            second_prior=ScoreStats.from_dict(data["second_prior"]),
            fused=ImpostorScores.from_json(json.dumps(data["fused"])),
            band_below=float(data["band_below"]),
            band_above=float(data["band_above"]),
            margin_band=float(data["margin_band"]),
            source=str(data.get("source", "")),
        )


@lru_cache(maxsize=16)
def fusion_rule_for(primary_key: str, second_key: str) -> FusionRule | None:
    """The fusion calibrated for this pair of model identities, if one ships."""
    for entry in resources.files(CALIBRATION_PACKAGE).iterdir():
        if entry.name.startswith("fusion-") and entry.name.endswith(".json"):
            rule = FusionRule.from_json(entry.read_text(encoding="utf-8"))
            if rule.primary_key == primary_key and rule.second_key == second_key:
                return rule
    return None


def fused_scores(
    primary: NDArray[np.float32],
    second: NDArray[np.float32],
    *,
    primary_stats: ScoreStats,
    second_stats: ScoreStats,
    weight: float,
) -> NDArray[np.float32]:
    """The fused z-score of each pair of scores (same shapes)."""
    return (primary_stats.z(primary) + weight * second_stats.z(second)).astype(np.float32)


def on_primary_scale(fused: NDArray[np.float32], *, rule: FusionRule) -> NDArray[np.float32]:
    """Each fused score as the primary score strangers reach as rarely (both calibrations):
    the same threshold then holds the same false-accept rate for either. Kept within a
    cosine's -1..1: far in the tails both calibrations are extrapolated, and a face both
    models are sure of would otherwise come out above 1 (shown as a similarity)."""
    primary = calibration_for(rule.primary_key)
    if primary is None:
        raise ValueError(f"no calibration for {rule.primary_key}")
    flat = [primary.score_at(rule.fused.share_at(float(v))) for v in np.ravel(fused)]
    return np.clip(np.asarray(flat, dtype=np.float32), -1.0, 1.0).reshape(np.shape(fused))


@dataclass(frozen=True)
class SecondScores:
    """What the second model said about some faces: for each face (by its row in the search
    result) its cosine with each of the row's candidates that has a second template."""

    rows: tuple[int, ...]
    person_ids: NDArray[np.int64]  # (len(rows), k) the search result's candidates
    scores: NDArray[np.float32]  # (len(rows), k); NaN where a candidate has no second template


def second_scores(
    result: SearchResult,
    *,
    rows: list[int],
    embeddings: NDArray[np.float32],
    gallery: Gallery,
) -> SecondScores:
    """The second model's score of each asked face (its `embeddings`, in `rows` order) with
    each candidate the primary search put in its row."""
    ids = result.person_ids[rows]
    scores = np.full(ids.shape, np.nan, dtype=np.float32)
    if len(rows) and len(gallery.people):
        everyone = gallery.person_scores(np.asarray(embeddings, dtype=np.float32))
        column = np.searchsorted(gallery.people, ids)
        column = np.clip(column, 0, len(gallery.people) - 1)
        known = (ids != NO_PERSON) & (gallery.people[column] == ids)
        picked = np.take_along_axis(everyone, column, axis=1)
        scores[known] = picked[known]
    return SecondScores(rows=tuple(rows), person_ids=ids, scores=scores)


def close_rows(
    result: SearchResult,
    *,
    thresholds: list[float],
    policy_margin: float,
    rule: FusionRule,
) -> list[int]:
    """The faces worth a second opinion, from their primary search and the threshold each
    face's best candidate had to reach (FaceDecision.threshold)."""
    chosen = []
    for row, threshold in enumerate(thresholds):
        ids, scores = result.person_ids[row], result.scores[row]
        valid = ids != NO_PERSON
        if not valid.any():
            continue
        best = float(scores[valid][0])
        margin = best - float(scores[valid][1]) if valid.sum() > 1 else None
        if rule.is_close(
            best=best, margin=margin, threshold=threshold, policy_margin=policy_margin
        ):
            chosen.append(row)
    return chosen


def fused_result(
    result: SearchResult,
    asked: SecondScores,
    *,
    rule: FusionRule,
    primary_stats: ScoreStats,
    second_stats: ScoreStats,
) -> SearchResult:
    """The search result with the asked faces' candidates scored by the fusion (on the
    primary scale) and reordered; a candidate with no second template keeps its score."""
    ids = result.person_ids.copy()
    scores = result.scores.copy()
    for i, row in enumerate(asked.rows):
        row_ids, row_scores = ids[row], scores[row].copy()
        have = (row_ids != NO_PERSON) & ~np.isnan(asked.scores[i])
        if have.any():
            fused = fused_scores(
                row_scores[have],
                asked.scores[i][have],
                primary_stats=primary_stats,
                second_stats=second_stats,
                weight=rule.weight,
            )
            row_scores[have] = on_primary_scale(fused, rule=rule)
        order = np.lexsort((row_ids, -row_scores))
        ids[row], scores[row] = row_ids[order], row_scores[order]
    return replace(result, person_ids=ids, scores=scores)


# The most faces of one photo the second model is asked about (~75-115 ms each, the GIL
# held meanwhile): a photo of many close calls must not hold a worker for seconds. The
# rows come largest face first (usecases sort them), so the largest close calls are asked;
# the rest are decided on the primary model alone and counted as not asked.
MAX_ASKED = 8


@dataclass(frozen=True)
class SecondOpinion:
    """What a search needs to ask the second model about its close calls."""

    rule: FusionRule
    gallery: Gallery  # the second model's templates of the same people
    embed: Callable[[list[int]], NDArray[np.float32]]  # second embeddings of faces (by row)
    primary_stats: ScoreStats  # rule.stats(...) of the enrolled gallery, per model
    second_stats: ScoreStats
    # Told (faces asked, faces searched) after each search: how often the second model runs.
    counted: Callable[[int, int], None] | None = None
    # At most this many rows asked (MAX_ASKED: one photo's); a benchmark that searches many
    # photos' faces as one result, each of them a photo of its own, lifts it.
    max_asked: int = MAX_ASKED


def with_second_opinion(
    result: SearchResult,
    *,
    thresholds: list[float],
    policy_margin: float,
    second: SecondOpinion,
) -> SearchResult:
    """The search result once the second model has been asked about its close calls (the
    result itself when there were none): decide on it as on any search result."""
    fused, _ = asked_second_opinion(
        result, thresholds=thresholds, policy_margin=policy_margin, second=second
    )
    return fused


def asked_second_opinion(
    result: SearchResult,
    *,
    thresholds: list[float],
    policy_margin: float,
    second: SecondOpinion,
) -> tuple[SearchResult, list[int]]:
    """As with_second_opinion, and the rows (faces) the second model was asked about, so an
    answer can say which scores are fused and what the primary model said alone."""
    rows = close_rows(result, thresholds=thresholds, policy_margin=policy_margin, rule=second.rule)
    rows = rows[: second.max_asked]
    if second.counted is not None:
        second.counted(len(rows), len(result.person_ids))
    if not rows:
        return result, []
    asked = second_scores(result, rows=rows, embeddings=second.embed(rows), gallery=second.gallery)
    fused = fused_result(
        result,
        asked,
        rule=second.rule,
        primary_stats=second.primary_stats,
        second_stats=second.second_stats,
    )
    return fused, rows


def primary_score(result: SearchResult, *, row: int, person_id: int | None) -> float | None:
    """The primary model's score of this face (row) with this candidate, before any fusion;
    None when the candidate is not among the row's (fusion only reorders a row's candidates,
    so a fused candidate always is)."""
    if person_id is None:
        return None
    hits = np.flatnonzero(result.person_ids[row] == person_id)
    return float(result.scores[row][hits[0]]) if len(hits) else None
