"""Checking in from face_recognition's per-frame matches: first acceptance, every Nth frame."""

from __future__ import annotations

from bench.dlib_loop import Sighting, their_check_ins, their_judged
from bench.walk_video import CheckIn, Judged, WalkVideo


def test_a_person_is_checked_in_once_from_the_first_frame_looked_at() -> None:
    video = WalkVideo(frames=[], in_view=[("a", "b")] * 6, placed=[((80, 100), (80, 500))] * 6)
    a, b = (60, 60, 80, 80), (460, 60, 80, 80)
    sightings = [
        Sighting(1, a, "a", 0.5),
        Sighting(1, b, "a", 0.7),  # b, nearest to a but beyond the tolerance
        Sighting(2, a, "a", 0.4),
        Sighting(3, b, "a", 0.55),  # b, taken for a
        Sighting(4, b, "b", 0.5),
    ]
    assert their_check_ins(sightings, video) == [CheckIn(1, "a", "a"), CheckIn(4, "b", "b")]
    assert their_check_ins(sightings, video, every=3) == [CheckIn(3, "b", "a")]
    assert their_judged(sightings, video)[1:4:2] == [
        Judged("b", "a", 0.7, accepted=False),
        Judged("b", "a", 0.55, accepted=True),
    ]
