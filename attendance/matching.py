"""Turning search scores into decisions: threshold, runner-up margin, roster, one face each."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import numpy as np
from scipy.optimize import linear_sum_assignment

from attendance.gallery import NO_PERSON, SearchResult
from attendance.settings import MatchSettings, Settings
from attendance.thresholds import ThresholdRule, calibration_for

logger = logging.getLogger(__name__)

# A search whose size nobody gave is judged as a search of this many people.
UNKNOWN_SIZE = 1_000
# Below a fixed accept threshold by at most this much, a roster candidate is worth a look:
# about the spread of genuine scores that fall just short on the calibration set.
GREY_ZONE = 0.08
# With thresholds that follow the roster's size, the grey zone reaches down to the threshold
# for this many times the accept rate: at most (factor - 1) x FPIR more strangers queued
# (docs/benchmarks.md, thresholds that know the room: the review queue).
REVIEW_FACTOR = 2.0


class Decision(str, Enum):
    MATCH = "match"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"
    NOT_ON_ROSTER = "not_on_roster"


@dataclass(frozen=True)
class MatchPolicy:
    """Accept: at or above the threshold, ahead of the runner-up by `margin`.

    With a `rule`, the threshold follows the number of people searched (thresholds.py);
    without one, `threshold` holds for any size (a fixed setting, tests)."""

    threshold: float
    margin: float
    rule: ThresholdRule | None = None

    def threshold_for(self, n_people: int | None) -> float:
        if self.rule is None or n_people is None:
            return self.threshold
        return self.rule.for_size(n_people)

    def review_floor_for(self, n_people: int | None) -> float:
        """Where the grey zone starts: a roster candidate from here up to the threshold is
        worth a secretary's look. With a size-aware rule it is the threshold for
        REVIEW_FACTOR times the rate, so that at most that many more strangers reach the
        queue whatever the roster's size (a fixed band below a low threshold caught 7% of
        strangers near a roster of 14); otherwise GREY_ZONE under the threshold."""
        threshold = self.threshold_for(n_people)
        if self.rule is None or not self.rule.size_aware or n_people is None:
            return threshold - GREY_ZONE
        rate = min(0.5, self.rule.fpir * REVIEW_FACTOR)
        return min(threshold, self.rule.for_size(n_people, fpir=rate))


@dataclass(frozen=True)
class FaceDecision:
    decision: Decision
    person_id: int | None  # set only for MATCH
    candidate_id: int | None  # the face's assigned person, else its best; whatever the decision
    similarity: float | None
    margin: float | None
    runner_up_id: int | None = None  # the next best other person, for a reviewer to compare
    threshold: float | None = None  # what the candidate had to reach (roster or everyone's)
    review_floor: float | None = None  # from here up to `threshold`: a secretary looks


def match_policy(match: MatchSettings, *, model_key: str, fpir: float | None = None) -> MatchPolicy:
    """The accept rule the settings ask for, for templates of this model identity; `fpir`
    instead of the settings' for a caller that looks many times (a kiosk)."""
    calibration = calibration_for(model_key)
    if calibration is None and match.threshold is None:
        _warn_uncalibrated(model_key)
    target = match.fpir if fpir is None else fpir
    rule = ThresholdRule(fpir=target, calibration=calibration, fixed=match.threshold)
    return MatchPolicy(threshold=rule.for_size(UNKNOWN_SIZE), margin=match.margin, rule=rule)


def kiosk_match_policy(settings: Settings, *, model_key: str) -> MatchPolicy:
    """The rule a kiosk decides by, and the server judges a kiosk's faces by: a kiosk looks
    at a face many times, so a stricter rate per look (`ATTEND_KIOSK__FPIR`)."""
    return match_policy(settings.match, model_key=model_key, fpir=settings.kiosk.fpir)


@lru_cache(maxsize=8)
def _warn_uncalibrated(model_key: str) -> None:
    logger.warning(
        "no calibration for model %s: accepting at the fixed threshold %.3f for any number of "
        "people; set ATTEND_MATCH__THRESHOLD for this model (docs/benchmarks.md)",
        model_key,
        ThresholdRule(fpir=0.01).fallback,
    )


def decide(
    result: SearchResult,
    policy: MatchPolicy,
    *,
    roster: Collection[int] | None = None,
    gallery_size: int | None = None,
) -> list[FaceDecision]:
    """One decision per query face, each person given to at most one face of the image.

    A person on the roster must reach the threshold for a search of the roster's size; any
    other enrolled person, the threshold for the whole gallery (`gallery_size` people): a
    stranger at the door has only as many chances to be taken for an invitee as there are
    invitees. The assignment maximises the total similarity over pairs that clear their
    threshold (Hungarian algorithm, not greedy), so two faces that both resemble A do not
    both become A. A face whose best person went to another face is judged on the person
    it was given, and its runner-up (the taken person, who scores higher) makes it ambiguous.
    """
    ids, scores = result.person_ids, result.scores
    n_faces = len(ids)
    everyone = policy.threshold_for(gallery_size)
    members = policy.threshold_for(len(roster)) if roster is not None else everyone
    floors = {
        True: policy.review_floor_for(len(roster) if roster is not None else gallery_size),
        False: policy.review_floor_for(gallery_size),
    }

    def member(person: int) -> bool:
        return roster is None or person in roster

    def threshold_of(person: int) -> float:
        return members if roster is not None and person in roster else everyone

    assigned = _assign(ids, scores, threshold_of)
    decisions = []
    for f in range(n_faces):
        row_ids, row_scores = ids[f], scores[f]
        valid = row_ids != NO_PERSON
        if not valid.any():
            decisions.append(FaceDecision(Decision.UNKNOWN, None, None, None, None))
            continue
        person = assigned[f] if assigned[f] != NO_PERSON else int(row_ids[0])
        best = float(row_scores[row_ids == person][0])
        others = valid & (row_ids != person)
        # No runner-up at all (a gallery of one person): nothing to be confused with.
        margin = best - float(row_scores[others][0]) if others.any() else None
        runner_up = int(row_ids[others][0]) if others.any() else None
        if assigned[f] == NO_PERSON:
            decision = Decision.UNKNOWN
        elif margin is not None and margin < policy.margin:
            decision = Decision.AMBIGUOUS
        elif roster is not None and person not in roster:
            decision = Decision.NOT_ON_ROSTER
        else:
            decision = Decision.MATCH
        decisions.append(
            FaceDecision(
                decision=decision,
                person_id=person if decision is Decision.MATCH else None,
                candidate_id=person,
                similarity=best,
                margin=margin,
                runner_up_id=runner_up,
                threshold=threshold_of(person),
                review_floor=floors[member(person)],
            )
        )
    return decisions


def _assign(ids: np.ndarray, scores: np.ndarray, threshold_of: Callable[[int], float]) -> list[int]:
    n_faces = len(ids)
    people = sorted(
        {
            int(p)
            for p, s in zip(ids.ravel(), scores.ravel())
            if p != NO_PERSON and s >= threshold_of(int(p))
        }
    )
    if not people:
        return [NO_PERSON] * n_faces
    column = {p: j for j, p in enumerate(people)}
    weights = np.zeros((n_faces, len(people)), dtype=np.float64)
    for f in range(n_faces):
        for p, s in zip(ids[f], scores[f]):
            if p != NO_PERSON and s >= threshold_of(int(p)):
                # Shift so every allowed pair beats leaving the face unassigned (weight 0).
                weights[f, column[int(p)]] = 1.0 + float(s)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    assigned = [NO_PERSON] * n_faces
    for r, c in zip(rows, cols):
        if weights[r, c] > 0:
            assigned[r] = people[c]
    return assigned
