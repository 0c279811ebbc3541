"""Turning search scores into decisions: threshold, runner-up margin, roster, one face each."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum

import numpy as np
from scipy.optimize import linear_sum_assignment

from attendance.gallery import NO_PERSON, SearchResult


class Decision(str, Enum):
    MATCH = "match"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"
    NOT_ON_ROSTER = "not_on_roster"


@dataclass(frozen=True)
class MatchPolicy:
    threshold: float
    margin: float


@dataclass(frozen=True)
class FaceDecision:
    decision: Decision
    person_id: int | None  # set only for MATCH
    candidate_id: int | None  # the face's assigned person, else its best; whatever the decision
    similarity: float | None
    margin: float | None
    runner_up_id: int | None = None  # the next best other person, for a reviewer to compare


def decide(
    result: SearchResult,
    policy: MatchPolicy,
    *,
    roster: Collection[int] | None = None,
) -> list[FaceDecision]:
    """One decision per query face, each person given to at most one face of the image.

    The assignment maximises the total similarity over pairs that clear the threshold
    (Hungarian algorithm, not greedy), so two faces that both resemble A do not both
    become A. A face whose best person went to another face is judged on the person it
    was given, and its runner-up (the taken person, who scores higher) makes it ambiguous.
    """
    ids, scores = result.person_ids, result.scores
    n_faces = len(ids)
    assigned = _assign(ids, scores, policy.threshold)
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
            )
        )
    return decisions


def _assign(ids: np.ndarray, scores: np.ndarray, threshold: float) -> list[int]:
    n_faces = len(ids)
    people = sorted(
        {int(p) for p, s in zip(ids.ravel(), scores.ravel()) if p != NO_PERSON and s >= threshold}
    )
    if not people:
        return [NO_PERSON] * n_faces
    column = {p: j for j, p in enumerate(people)}
    weights = np.zeros((n_faces, len(people)), dtype=np.float64)
    for f in range(n_faces):
        for p, s in zip(ids[f], scores[f]):
            if p != NO_PERSON and s >= threshold:
                # Shift so every allowed pair beats leaving the face unassigned (weight 0).
                weights[f, column[int(p)]] = 1.0 + float(s)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    assigned = [NO_PERSON] * n_faces
    for r, c in zip(rows, cols):
        if weights[r, c] > 0:
            assigned[r] = people[c]
    return assigned
