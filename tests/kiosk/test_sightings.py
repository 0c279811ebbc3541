"""Uncertain faces at the kiosk: one sighting per person at the door, kept until delivered.

A fake pipeline stands in for the models: each frame says in its first pixel where the face
is (0: no face) and in its second which embedding the face gets, so the test chooses the
similarities and lands a face in the grey zone.
"""

from __future__ import annotations

import base64
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from attendance.matching import MatchPolicy
from kiosk.capture import Frame
from kiosk.loop import KioskLoop, KioskOptions
from kiosk.outbox import CheckinEvent, Outbox, Outcome, SendResult
from kiosk.sighting_outbox import SightingEvent, SightingOutbox
from kiosk.sync import GallerySync
from models.packs import FacePipeline
from models.types import DetectedFace, ModelFile, ModelIdentity
from wire.kiosk import KioskGalleryRead, TemplatesRead

POLICY = MatchPolicy(threshold=0.5, margin=0.05)
AN, BINH = 1, 2  # on the meeting's list; their templates are the first two axes
GREY, MATCH, STRANGER, TURNED = 1, 2, 3, 4  # embedding codes
FPS = 5.0


def unit(*values: float) -> NDArray[np.float32]:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


EMBEDDINGS = {
    GREY: unit(0.46, 0.0, np.sqrt(1 - 0.46**2), 0.0),  # An at 0.46: just under 0.5
    MATCH: unit(0.0, 0.9, np.sqrt(1 - 0.81), 0.0),  # Bình at 0.9
    STRANGER: unit(0.1, 0.1, 0.0, 0.99),
    TURNED: unit(0.0, 0.46, np.sqrt(1 - 0.46**2), 0.0),  # Bình, a turned head: just under
}
IDENTITY = ModelIdentity("fake", (ModelFile("fake.onnx", "0" * 64),), dim=4)


class FakeDetector:
    """A 100-px face at one of a few places, read from the frame's first pixel."""

    def detect(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        return self.detect_coarse(image_bgr)

    def detect_coarse(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        place = int(image_bgr[0, 0, 0])
        if place == 0:
            return []
        box = (float(50 + 150 * (place - 1)), 100.0, 100.0, 100.0)
        return [DetectedFace(box, 0.9, np.zeros((5, 2), dtype=np.float32))]

    def refine(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> list[DetectedFace]:
        return faces

    def confidence(self, image_bgr: NDArray[np.uint8], face: DetectedFace) -> float:
        return face.score


class FakeEmbedder:
    dim = 4

    def embed(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        vector = EMBEDDINGS.get(int(image_bgr[0, 0, 1]), EMBEDDINGS[STRANGER])
        return np.stack([vector for _ in faces]).reshape(len(faces), 4)


class MemoryServer:
    """The gallery endpoints: one meeting open now, An and Bình on its list."""

    def __init__(self) -> None:
        now = datetime.now(timezone.utc)
        self.meeting = {
            "id": 7,
            "title": "Họp giao ban",
            "starts_at": now - timedelta(minutes=5),
            "ends_at": now + timedelta(hours=2),
            "late_after_minutes": 15,
            "person_ids": [AN, BINH],
            "checkin_opens_at": now - timedelta(minutes=65),
            "checkin_closes_at": now + timedelta(hours=2),
        }

    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        people = [
            {"id": p, "full_name": name, "title": None, "unit": None}
            for p, name in ((AN, "Nguyễn Văn An"), (BINH, "Trần Thị Bình"))
        ]
        templates = [{"id": p, "person_id": p} for p in (AN, BINH)]
        return KioskGalleryRead.model_validate(
            {"room": "A", "model": IDENTITY.key, "etag": "1", "meetings": [self.meeting]}
            | {"people": people, "templates": templates}
        )

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead:
        data = [
            {
                "id": t,
                "person_id": t,
                "dim": 4,
                "embedding": base64.b64encode(np.eye(4, dtype="<f4")[t - 1].tobytes()).decode(),
            }
            for t in ids
        ]
        return TemplatesRead.model_validate({"model": IDENTITY.key, "templates": data})


class FakeSender:
    """The server's side of both outboxes: what arrived, or nothing while it is down."""

    def __init__(self) -> None:
        self.checkins: list[CheckinEvent] = []
        self.sightings: list[SightingEvent] = []
        self.down = False

    def send(self, event: CheckinEvent) -> SendResult:
        if self.down:
            return SendResult(Outcome.RETRY, "connection refused")
        self.checkins.append(event)
        return SendResult(Outcome.DELIVERED)

    def send_sighting(self, sighting: SightingEvent) -> SendResult:
        if self.down:
            return SendResult(Outcome.RETRY, "connection refused")
        self.sightings.append(sighting)
        return SendResult(Outcome.DELIVERED)


class ListSource:
    def __init__(self, frames: list[NDArray[np.uint8]]) -> None:
        self.frames = frames
        self._next = 0

    @property
    def finite(self) -> bool:
        return True

    def open(self) -> bool:
        return True

    def read(self) -> NDArray[np.uint8] | None:
        self._next += 1
        return self.frames[self._next - 1] if self._next <= len(self.frames) else None

    def close(self) -> None:
        pass


def image(place: int, code: int = GREY) -> NDArray[np.uint8]:
    frame = np.full((480, 640, 3), 90, dtype=np.uint8)
    frame[0, 0, :2] = (place, code)
    return frame


def at_the_door(seconds: float, code: int = GREY) -> list[NDArray[np.uint8]]:
    """Someone standing for `seconds`, lost by the tracker now and then: a new track each
    time they shift (every 6 s) or step out of view for two seconds (every 20 s)."""
    frames = []
    for n in range(int(seconds * FPS)):
        t = n / FPS
        away = t % 20 >= 18
        frames.append(image(0 if away else 1 + int(t // 6) % 3, code))
    return frames


def make_loop(
    tmp_path: Path, sender: FakeSender, frames: list[NDArray[np.uint8]] | None = None
) -> KioskLoop:
    path = tmp_path / "outbox.sqlite"
    sync = GallerySync(MemoryServer(), model_key=IDENTITY.key, dim=4)
    loop = KioskLoop(
        pipeline=FacePipeline(FakeDetector(), FakeEmbedder(), IDENTITY),
        sync=sync,
        outbox=Outbox(path),
        sender=sender,
        source=ListSource(frames or []),
        policy=POLICY,
        options=KioskOptions(name="cửa-A", votes_needed=2, cooldown_s=300),
        sightings=(SightingOutbox(path), sender),
    )
    sync.sync()
    return loop


def play(loop: KioskLoop, frames: list[NDArray[np.uint8]], start_s: float = 0.0) -> None:
    for index, frame in enumerate(frames):
        loop.process(Frame(index, frame, start_s + index / FPS))


def test_a_person_in_the_grey_zone_for_a_minute_is_one_sighting(tmp_path: Path) -> None:
    sender = FakeSender()
    loop = make_loop(tmp_path, sender)
    play(loop, at_the_door(60))
    assert loop.tracker._next_id > 10  # many tracks, one person
    assert loop.stats.enqueued == 0  # nobody checked in: a secretary decides
    outbox = SightingOutbox(tmp_path / "outbox.sqlite")
    report = outbox.deliver(sender)
    assert (report.delivered, report.pending) == (1, 0)
    (sighting,) = sender.sightings
    assert (sighting.meeting_id, sighting.candidate_id, sighting.runner_up_id) == (7, AN, BINH)
    assert abs(sighting.similarity - 0.46) < 1e-5 and sighting.margin is not None
    assert sighting.idempotency_key.startswith("cửa-A:7:1:t1:")
    assert sighting.crop_jpeg[:2] == b"\xff\xd8"
    # Delivered: the face crop leaves the kiosk's disk.
    with sqlite3.connect(tmp_path / "outbox.sqlite") as db:
        assert db.execute("SELECT crop_jpeg, state FROM sightings").fetchall() == [(None, "sent")]


def test_a_glimpse_a_stranger_or_a_sure_match_sends_no_sighting(tmp_path: Path) -> None:
    sender = FakeSender()
    loop = make_loop(tmp_path, sender)
    # Grey for one look only (then gone for long enough to end the track): not steady.
    play(loop, [image(1), *[image(0)] * 7, image(2, STRANGER), image(2, STRANGER)])
    play(loop, [image(3, MATCH)] * 3, start_s=10)
    outbox = SightingOutbox(tmp_path / "outbox.sqlite")
    assert outbox.counts()["pending"] == 0
    assert [e.person_id for e in loop.outbox.pending()] == [BINH]


def test_someone_checked_in_here_is_not_sent_for_review(tmp_path: Path) -> None:
    sender = FakeSender()
    loop = make_loop(tmp_path, sender)
    play(loop, [image(1, MATCH)] * 2)
    # Bình again, as a new track, just under the threshold this time.
    play(loop, [image(0)] * 7 + [image(2, TURNED)] * 5, start_s=1)
    assert SightingOutbox(tmp_path / "outbox.sqlite").counts()["pending"] == 0


def test_after_the_cooldown_the_same_person_is_asked_about_again(tmp_path: Path) -> None:
    sender = FakeSender()
    loop = make_loop(tmp_path, sender)
    play(loop, [image(1)] * 3)
    play(loop, [image(0)] * 7 + [image(2)] * 3, start_s=100)  # a new track, within 300 s
    play(loop, [image(0)] * 7 + [image(3)] * 3, start_s=400)  # and after
    pending = SightingOutbox(tmp_path / "outbox.sqlite").pending()
    assert [s.candidate_id for s in pending] == [AN, AN]
    assert len({s.idempotency_key for s in pending}) == 2


def test_a_queued_sighting_survives_a_restart_and_is_delivered_then(tmp_path: Path) -> None:
    sender = FakeSender()
    sender.down = True
    loop = make_loop(tmp_path, sender)
    play(loop, [image(1)] * 3)
    assert loop.sightings is not None
    assert loop.sightings[0].deliver(sender).pending == 1  # the server is down
    del loop
    again = SightingOutbox(tmp_path / "outbox.sqlite")  # the kiosk starts again
    (kept,) = again.pending()
    assert kept.candidate_id == AN and kept.crop_jpeg[:2] == b"\xff\xd8"
    sender.down = False
    assert again.deliver(sender).delivered == 1
    assert [s.idempotency_key for s in sender.sightings] == [kept.idempotency_key]
    assert again.deliver(sender).delivered == 0


def test_the_running_kiosk_delivers_its_sighting_before_it_exits(tmp_path: Path) -> None:
    sender = FakeSender()
    frames = [image(1)] * 10 + [image(0)] * 7 + [image(2, MATCH)] * 3
    loop = make_loop(tmp_path, sender, frames)
    assert loop.run() == 0
    assert [s.candidate_id for s in sender.sightings] == [AN]
    assert [e.person_id for e in sender.checkins] == [BINH]
