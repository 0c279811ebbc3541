"""Decisions from search scores: threshold, runner-up margin, roster, one person per face."""

from __future__ import annotations

import numpy as np

from attendance.gallery import NO_PERSON, SearchResult
from attendance.matching import Decision, MatchPolicy, decide

POLICY = MatchPolicy(threshold=0.4, margin=0.05)


def result(rows: list[list[tuple[int, float]]], k: int = 4) -> SearchResult:
    ids = np.full((len(rows), k), NO_PERSON, dtype=np.int64)
    scores = np.full((len(rows), k), -np.inf, dtype=np.float32)
    for i, row in enumerate(rows):
        for j, (person, score) in enumerate(sorted(row, key=lambda r: -r[1])):
            ids[i, j], scores[i, j] = person, score
    return SearchResult(ids, scores)


def test_clear_best_above_threshold_is_a_match() -> None:
    (d,) = decide(result([[(1, 0.8), (2, 0.3)]]), POLICY)
    assert d.decision is Decision.MATCH and d.person_id == 1 and d.candidate_id == 1
    assert d.margin is not None and abs(d.margin - 0.5) < 1e-6


def test_best_below_threshold_is_unknown_but_keeps_its_candidate() -> None:
    (d,) = decide(result([[(1, 0.35), (2, 0.2)]]), POLICY)
    assert d.decision is Decision.UNKNOWN and d.person_id is None
    assert d.candidate_id == 1 and d.similarity is not None and abs(d.similarity - 0.35) < 1e-6


def test_two_people_close_together_is_ambiguous() -> None:
    (d,) = decide(result([[(1, 0.62), (2, 0.60)]]), POLICY)
    assert d.decision is Decision.AMBIGUOUS and d.person_id is None and d.candidate_id == 1


def test_match_outside_the_roster_is_reported_not_checked_in() -> None:
    (d,) = decide(result([[(7, 0.9), (1, 0.2)]]), POLICY, roster={1, 2})
    assert d.decision is Decision.NOT_ON_ROSTER and d.person_id is None and d.candidate_id == 7


def test_a_person_is_given_to_one_face_only_the_best_assignment_overall() -> None:
    # Greedy in face order would give person 1 to face 0 (0.70) although face 1 is 1 (0.72).
    faces = result([[(1, 0.70), (2, 0.65)], [(1, 0.72), (3, 0.1)]])
    d0, d1 = decide(faces, MatchPolicy(threshold=0.4, margin=0.0))
    assert d1.person_id == 1
    # Face 0 gets person 2, but it looks more like 1: too close to call, a person decides.
    assert d0.candidate_id == 2 and d0.decision is Decision.AMBIGUOUS


def test_face_whose_best_person_went_elsewhere_is_not_matched_to_them() -> None:
    faces = result([[(1, 0.9), (2, 0.1)], [(1, 0.6), (2, 0.1)]])
    d0, d1 = decide(faces, POLICY)
    assert d0.person_id == 1
    assert d1.decision is Decision.UNKNOWN and d1.person_id is None


def test_single_enrolled_person_has_no_runner_up_and_still_matches() -> None:
    (d,) = decide(result([[(3, 0.7)]]), POLICY)
    assert d.decision is Decision.MATCH and d.margin is None


def test_empty_gallery_gives_unknown_without_candidate() -> None:
    (d,) = decide(result([[]]), POLICY)
    assert d.decision is Decision.UNKNOWN and d.candidate_id is None and d.similarity is None
