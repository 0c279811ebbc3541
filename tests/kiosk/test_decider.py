"""Deciding over frames with fake match decisions: agreement, cooldown, one person a frame."""

from __future__ import annotations

from attendance.matching import Decision, FaceDecision
from kiosk.decider import Observation, TrackDecider, face_weight


def match(person: int, similarity: float = 0.6) -> FaceDecision:
    return FaceDecision(Decision.MATCH, person, person, similarity, 0.2)


def unknown() -> FaceDecision:
    return FaceDecision(Decision.UNKNOWN, None, 7, 0.2, None)


def seen(track: int, decision: FaceDecision, weight: float = 1.0) -> Observation:
    return Observation(track, decision, weight)


def test_person_is_confirmed_only_after_enough_agreeing_frames() -> None:
    decider = TrackDecider(votes_needed=3)
    assert decider.observe([seen(1, match(5, 0.5))], now=0) == []
    assert decider.observe([seen(1, unknown())], now=1) == []
    assert decider.observe([seen(1, match(5, 0.7))], now=2) == []
    assert decider.needs_embedding(1)
    (confirmed,) = decider.observe([seen(1, match(5, 0.6))], now=3)
    assert (confirmed.person_id, confirmed.votes, confirmed.similarity) == (5, 3, 0.7)
    assert not decider.needs_embedding(1)
    assert decider.decided_person(1) == 5


def test_disagreeing_track_is_not_confirmed_until_one_person_dominates() -> None:
    decider = TrackDecider(votes_needed=2, agreement=0.7)
    for now, person in enumerate((5, 6, 5, 6)):
        assert decider.observe([seen(1, match(person))], now=now) == []
    # 3 of 5 is not enough agreement; one large, sharp frame of 5 makes it 5.5 of 7.5.
    assert decider.observe([seen(1, match(5))], now=5) == []
    (confirmed,) = decider.observe([seen(1, match(5), weight=2.5)], now=6)
    assert confirmed.person_id == 5


def test_person_in_view_again_within_the_cooldown_is_not_confirmed_twice() -> None:
    decider = TrackDecider(votes_needed=1, cooldown_s=60)
    assert [c.person_id for c in decider.observe([seen(1, match(5))], now=0)] == [5]
    decider.forget([1])
    assert decider.observe([seen(2, match(5))], now=30) == []
    assert not decider.needs_embedding(2)
    assert [c.track_id for c in decider.observe([seen(3, match(5))], now=61)] == [3]


def test_a_person_is_confirmed_for_one_track_per_frame_the_heaviest() -> None:
    decider = TrackDecider(votes_needed=1)
    confirmed = decider.observe(
        [seen(1, match(5), weight=0.4), seen(2, match(5), weight=0.9), seen(3, match(6))], now=0
    )
    assert sorted((c.person_id, c.track_id) for c in confirmed) == [(5, 2), (6, 3)]
    assert decider.needs_embedding(1)


def test_small_or_doubtful_faces_weigh_less() -> None:
    assert face_weight(224, 0.9) == 0.9
    assert face_weight(56, 0.9) == 0.45
    assert face_weight(112, 0.5) < face_weight(112, 0.9)
