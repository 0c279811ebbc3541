"""The second opinion at the kiosk runs at most once per track: on a close call, kept with
the track for all its later looks, forgotten with it, never for a clear face."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from second_look_support import (
    NOT_AN,
    SECOND_KEY,
    SURE_AN,
    CountingSecondModel,
    averaging_rule,
    face_frame,
    second_opinion_loop,
)
from test_sightings import AN, BINH, GREY, MATCH, POLICY, STRANGER, FakeSender, make_loop

from attendance.gallery import Gallery, SearchResult
from attendance.matching import decide
from kiosk.capture import Frame
from kiosk.loop import KioskLoop
from kiosk.second_look import SecondLook, second_look_for
from kiosk.sync import SecondGallery
from models.packs import FacePipeline
from models.types import DetectedFace

FPS = 5.0


def play(loop: KioskLoop, frames: list[NDArray[np.uint8]], start: int = 0) -> None:
    for index, frame in enumerate(frames, start=start):
        loop.process(Frame(index, frame, index / FPS))


def checked_in(loop: KioskLoop) -> list[int]:
    return [e.person_id for e in loop.outbox.pending()]


def test_a_close_call_gets_one_second_embedding_however_many_looks(tmp_path: Path) -> None:
    loop, model = second_opinion_loop(tmp_path)
    # An at 0.46 by the first model, nobody by the second: undecided, looked at every frame.
    play(loop, [face_frame(1, GREY, NOT_AN)] * 20)
    assert model.runs == 1
    assert loop.second_look is not None
    assert loop.second_look.counts.fused_looks == 20  # every look judged on the fused score
    assert loop.stats.embedded == 20 and checked_in(loop) == []


def test_the_second_opinion_decides_a_close_call_the_first_model_alone_leaves_open(
    tmp_path: Path,
) -> None:
    loop, model = second_opinion_loop(tmp_path)
    play(loop, [face_frame(1, GREY, SURE_AN)] * 4)
    assert checked_in(loop) == [AN]  # (0.46 + 1.0) / 2 on the first model's scale
    assert model.runs == 1
    plain = make_loop(tmp_path / "plain", FakeSender())
    play(plain, [face_frame(1, GREY, SURE_AN)] * 4)
    assert checked_in(plain) == []


def test_a_second_embedding_is_forgotten_with_its_track(tmp_path: Path) -> None:
    loop, model = second_opinion_loop(tmp_path)
    look = loop.second_look
    assert look is not None
    play(loop, [face_frame(1, GREY, NOT_AN)] * 3)
    (first,) = loop.tracker.tracks
    assert look.holds(first)
    # Out of view long enough for the tracker to end the track, then back: a new track.
    play(loop, [face_frame(0, GREY)] * 10 + [face_frame(1, GREY, NOT_AN)] * 3, start=3)
    assert not look.holds(first)
    (second,) = loop.tracker.tracks
    assert second != first and look.holds(second)
    assert model.runs == 2


def test_clear_faces_never_ask_the_second_model(tmp_path: Path) -> None:
    loop, model = second_opinion_loop(tmp_path)
    # Bình at 0.9, alone; a stranger nowhere near anyone; both are clear.
    play(loop, [face_frame(1, MATCH, SURE_AN)] * 3 + [face_frame(2, STRANGER, SURE_AN)] * 10)
    assert checked_in(loop) == [BINH]
    assert model.runs == 0
    assert loop.second_look is not None and loop.second_look.counts.fused_looks == 0


def test_on_a_worker_thread_the_track_waits_for_its_answer(tmp_path: Path) -> None:
    release = threading.Event()

    class SlowSecondModel(CountingSecondModel):
        def embed(self, image_bgr, faces):  # type: ignore[no-untyped-def]
            release.wait(10)
            return super().embed(image_bgr, faces)

    loop, model = second_opinion_loop(tmp_path, background=True, model=SlowSecondModel())
    look = loop.second_look
    assert look is not None
    try:
        play(loop, [face_frame(1, GREY, SURE_AN)] * 6)
        assert checked_in(loop) == []  # no vote while its answer is on the way
        assert look.counts.waited_looks == 6
        release.set()
        deadline = time.monotonic() + 10
        while look._pending and time.monotonic() < deadline:
            time.sleep(0.01)
            look._collect()
        play(loop, [face_frame(1, GREY, SURE_AN)] * 3, start=6)
        assert checked_in(loop) == [AN]
        assert model.runs == 1
    finally:
        release.set()
        look.close()


def test_a_kiosk_without_a_second_model_has_no_second_opinion(tmp_path: Path) -> None:
    loop = make_loop(tmp_path, FakeSender())
    assert loop.pipeline.second is None
    assert second_look_for(loop.pipeline) is None
    assert loop.second_look is None and loop.sync.current.second is None
    play(loop, [face_frame(1, MATCH)] * 3)
    assert checked_in(loop) == [BINH]


def test_a_second_model_without_a_calibrated_fusion_is_not_asked(tmp_path: Path) -> None:
    loop = make_loop(tmp_path, FakeSender())

    class Identity:
        key = "fake-second:0:4"
        dim = 4

    class Second:
        identity = Identity()
        embedder = CountingSecondModel()

    pipeline = FacePipeline(
        loop.pipeline.detector,
        loop.pipeline.embedder,
        loop.pipeline.identity,
        second=Second(),  # type: ignore[arg-type]
    )
    assert second_look_for(pipeline) is None


def test_three_close_calls_in_one_frame_cost_one_second_run_a_frame() -> None:
    model = CountingSecondModel()
    look = SecondLook(rule=averaging_rule(), embed=model.embed, second_key=SECOND_KEY, dim=4)
    second = SecondGallery(Gallery.of_people(np.eye(4, dtype=np.float32)[:2], np.array([AN, BINH])))
    # Three faces each at 0.46 with An (threshold 0.5): three close calls.
    result = SearchResult(
        person_ids=np.array([[AN, BINH]] * 3, dtype=np.int64),
        scores=np.array([[0.46, 0.1]] * 3, dtype=np.float32),
    )
    decisions = decide(result, POLICY)
    faces = [DetectedFace((10.0 * i, 0.0, 100.0, 100.0), 0.9, np.zeros((5, 2))) for i in range(3)]
    frame = face_frame(1, GREY, SURE_AN)
    waited = []
    for _ in range(3):
        verdict = look.judge(
            image=frame,
            faces=faces,
            track_ids=[7, 8, 9],
            undecided=[0, 1, 2],
            result=result,
            decisions=decisions,
            fallback_threshold=POLICY.threshold,
            policy_margin=POLICY.margin,
            second=second,
        )
        waited.append(sorted(verdict.waiting))
    assert model.runs == 3
    assert waited == [[1, 2], [2], []]
    assert sorted(verdict.fused) == [0, 1, 2]
    # Each face on its fused score: An's clears the threshold (one face per person is then
    # decide's business, as for any search).
    assert verdict.result.person_ids[:, 0].tolist() == [AN] * 3
    assert (verdict.result.scores[:, 0] > POLICY.threshold).all()
