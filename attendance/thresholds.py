"""Accept thresholds that know how many people were searched: the same false-accept rate
for a room of 10 as for a gallery of 10,000.

A stranger searched against N people is wrongly accepted when any of the N comparisons
reaches the threshold. If one comparison reaches score s with probability p(s), the
chance over N is 1 - (1 - p(s))^N, so the threshold for a target FPIR is the score whose
per-comparison rate is 1 - (1 - FPIR)^(1/N). p(s) is measured once per model, on strangers
against an enrolled gallery (bench/calibrate.py writes attendance/calibration/*.json). On
held-out strangers of lfw-dev this kept FPIR at its target for rosters of 10, 50 and 200
people (docs/benchmarks.md, thresholds that know the room).
"""

from __future__ import annotations

import bisect
import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

logger = logging.getLogger(__name__)

CALIBRATION_PACKAGE = "attendance.calibration"


@dataclass(frozen=True)
class ImpostorScores:
    """How often one comparison of a stranger's face with one enrolled person reaches a score.

    `scores` ascend; `exceed[i]` is the share of comparisons at or above `scores[i]`. Past the
    last score the share falls by a factor 10 every `-1 / tail_slope` (fitted on the tail)."""

    model_key: str
    scores: tuple[float, ...]
    exceed: tuple[float, ...]
    tail_slope: float  # log10 of the share, per unit of score, past the last score (< 0)
    comparisons: int
    source: str = ""

    def score_at(self, share: float) -> float:
        """The score that `share` of comparisons reach (log-linear between grid scores)."""
        if share >= self.exceed[0]:
            return self.scores[0]
        if share < self.exceed[-1]:
            decades = math.log10(self.exceed[-1] / share)
            return self.scores[-1] + decades / -self.tail_slope
        # exceed descends: the first grid score whose share is at most `share`, and the one
        # before it, between which the share falls by a constant factor per unit of score.
        i = bisect.bisect_left([-e for e in self.exceed], -share)
        if self.exceed[i] == share or i == 0:
            return self.scores[i]
        high, low = math.log10(self.exceed[i - 1]), math.log10(self.exceed[i])
        part = (high - math.log10(share)) / (high - low)
        return self.scores[i - 1] + part * (self.scores[i] - self.scores[i - 1])

    def share_at(self, score: float) -> float:
        """The share of comparisons that reach `score` (the inverse of `score_at`; below the
        first grid score, the first share)."""
        if score <= self.scores[0]:
            return self.exceed[0]
        if score >= self.scores[-1]:
            return self.exceed[-1] * 10 ** (self.tail_slope * (score - self.scores[-1]))
        i = bisect.bisect_right(self.scores, score)
        low, high = self.scores[i - 1], self.scores[i]
        part = (score - low) / (high - low)
        upper, lower = math.log10(self.exceed[i - 1]), math.log10(self.exceed[i])
        return float(10 ** (upper + part * (lower - upper)))

    @classmethod
    def from_json(cls, text: str) -> ImpostorScores:
        data = json.loads(text)
        return cls(
            model_key=str(data["model_key"]),
            scores=tuple(float(v) for v in data["scores"]),
            exceed=tuple(float(v) for v in data["exceed"]),
            tail_slope=float(data["tail_slope"]),
            comparisons=int(data["comparisons"]),
            source=str(data.get("source", "")),
        )


@dataclass(frozen=True)
class ThresholdRule:
    """The accept threshold for a search over `n` people.

    `fixed` (ATTEND_MATCH__THRESHOLD) is used whatever the size; otherwise the calibration
    of the model gives it for `fpir`; without one, `fallback` (with a warning at start)."""

    fpir: float
    calibration: ImpostorScores | None = None
    fixed: float | None = None
    fallback: float = 0.476

    def for_size(self, n: int, *, fpir: float | None = None) -> float:
        """The threshold for a search of `n` people at this rule's rate (or at `fpir`)."""
        if self.fixed is not None:
            return self.fixed
        if self.calibration is None:
            return self.fallback
        return _calibrated(self.calibration, self.fpir if fpir is None else fpir, max(1, n))

    @property
    def size_aware(self) -> bool:
        return self.fixed is None and self.calibration is not None


@lru_cache(maxsize=4096)
def _calibrated(calibration: ImpostorScores, fpir: float, n: int) -> float:
    per_comparison = -math.expm1(math.log1p(-fpir) / n)  # 1 - (1 - fpir) ** (1 / n)
    return round(calibration.score_at(per_comparison), 4)


@lru_cache(maxsize=16)
def calibration_for(model_key: str) -> ImpostorScores | None:
    """The calibration shipped for this model identity, if any."""
    for entry in resources.files(CALIBRATION_PACKAGE).iterdir():
        if entry.name.endswith(".json") and not entry.name.startswith("fusion-"):
            calibration = ImpostorScores.from_json(entry.read_text(encoding="utf-8"))
            if calibration.model_key == model_key:
                return calibration
    return None
