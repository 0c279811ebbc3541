"""At a low frame rate, a second person stepping into the spot the first one left is judged
as themselves, not given the first one's decided track; one person standing still is not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from test_greeter import AN_MATCH, AnEmbedder
from test_sightings import AN, BINH, IDENTITY, MATCH, FakeDetector, FakeSender, image, make_loop

from kiosk.capture import Frame
from kiosk.loop import KioskLoop
from kiosk.screen import ScreenKind
from kiosk.tracker import IouTracker
from models.packs import FacePipeline

FPS = 2.0  # --frame-interval 0.5


def two_fps_loop(tmp_path: Path) -> KioskLoop:
    loop = make_loop(tmp_path, FakeSender())
    loop.pipeline = FacePipeline(FakeDetector(), AnEmbedder(), IDENTITY)
    return loop


def play(loop: KioskLoop, frames: list[NDArray[np.uint8]]) -> None:
    for index, frame in enumerate(frames):
        loop.process(Frame(index, frame, index / FPS))


def checked_in(loop: KioskLoop) -> list[int]:
    return [e.person_id for e in loop.outbox.pending()]


def test_someone_stepping_into_the_spot_within_a_second_and_a_half_is_recognised(
    tmp_path: Path,
) -> None:
    loop = two_fps_loop(tmp_path)
    # Bình for 1.5 s, the spot empty for 1 s (fewer frames than end a track), then An.
    play(loop, [image(1, MATCH)] * 3 + [image(0)] * 2 + [image(1, AN_MATCH)] * 4)
    assert checked_in(loop) == [BINH, AN]


def test_someone_taking_the_spot_between_two_frames_is_recognised_soon(tmp_path: Path) -> None:
    loop = two_fps_loop(tmp_path)
    # No empty frame and the very same box: only looking again tells them apart.
    play(loop, [image(1, MATCH)] * 3 + [image(1, AN_MATCH)] * 8)
    assert checked_in(loop) == [BINH, AN]


def test_one_person_standing_at_the_door_is_greeted_once_however_often_looked_at(
    tmp_path: Path,
) -> None:
    loop = two_fps_loop(tmp_path)
    # Bình for 30 s, lost by the detector for a frame now and then.
    frames = [image(0 if n % 7 == 6 else 1, MATCH) for n in range(60)]
    play(loop, frames)
    assert checked_in(loop) == [BINH]
    assert [e.kind for e in loop.screen.latest()] == [ScreenKind.WELCOME]
    assert loop.tracker._next_id == 2  # one track all along
    assert loop.stats.embedded < 30  # looked at again now and then, not every frame


def test_a_track_seen_again_after_a_gap_or_a_jump_is_doubtful_and_can_be_split() -> None:
    tracker = IouTracker()
    (track,) = tracker.update([(0, 0, 100, 100)]).track_ids
    assert tracker.update([(2, 2, 100, 100)]).doubtful == frozenset()
    tracker.update([])
    again = tracker.update([(0, 0, 100, 100)])
    assert again.track_ids == [track] and again.doubtful == {track}
    jumped = tracker.update([(40, 0, 100, 100)])  # IoU 0.43: followed, but in doubt
    assert jumped.track_ids == [track] and jumped.doubtful == {track}
    new = tracker.split(track)
    assert new != track and set(tracker.tracks) == {new}
    assert tracker.update([(40, 0, 100, 100)]).track_ids == [new]
