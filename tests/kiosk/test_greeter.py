"""What the kiosk loop puts on its screen: "come closer" once per face however often the
tracker loses it, and every card with the person's title and unit, timed in the server's zone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from test_sightings import (
    AN,
    BINH,
    IDENTITY,
    MATCH,
    FakeDetector,
    FakeEmbedder,
    FakeSender,
    MemoryServer,
    image,
    make_loop,
    play,
    unit,
)

from kiosk.loop import KioskLoop
from kiosk.screen import ScreenKind
from kiosk.sync import GallerySync
from models.packs import FacePipeline
from models.types import DetectedFace
from wire.kiosk import KioskGalleryRead

SMALL = 9  # a place code: a 40 px face far off, at one of two spots (9 and 10)
CLOSER = 11  # a place code: the face at spot 9, come closer (64 px)
AN_MATCH = 5  # an embedding code: An at 0.9


class AnEmbedder(FakeEmbedder):
    def embed(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        if int(image_bgr[0, 0, 1]) == AN_MATCH:
            return np.stack([unit(0.9, 0.0, np.sqrt(1 - 0.81), 0.0) for _ in faces])
        return super().embed(image_bgr, faces)


class SmallFaceDetector(FakeDetector):
    """As the sightings' fake, plus places 9 and 10: a face too small to decide on."""

    def detect_coarse(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        place = int(image_bgr[0, 0, 0])
        if place < SMALL:
            return super().detect_coarse(image_bgr)
        if place == CLOSER:
            return [DetectedFace((388.0, 28.0, 64.0, 64.0), 0.9, np.zeros((5, 2), np.float32))]
        box = (float(400 + 120 * (place - SMALL)), 40.0, 40.0, 40.0)
        return [DetectedFace(box, 0.8, np.zeros((5, 2), dtype=np.float32))]


class ZonedServer(MemoryServer):
    """The sightings' server, with titles and units, in Hanoi's zone, An's meeting begun 40
    minutes ago (late after 15) and Bình's five minutes ago."""

    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        now = datetime.now(timezone.utc)
        on_time = self.meeting | {"person_ids": [BINH]}
        late = self.meeting | {
            "id": 8,
            "person_ids": [AN],
            "starts_at": now - timedelta(minutes=40),
        }
        people = [
            {
                "id": AN,
                "full_name": "Nguyễn Văn An",
                "title": "Phó Giám đốc Sở Giáo dục và Đào tạo",
                "unit": "Sở Giáo dục và Đào tạo",
            },
            {"id": BINH, "full_name": "Trần Thị Bình", "title": None, "unit": "UBND Quận 1"},
        ]
        templates = [{"id": p, "person_id": p} for p in (AN, BINH)]
        return KioskGalleryRead.model_validate(
            {"room": "A", "model": IDENTITY.key, "etag": "1", "meetings": [on_time, late]}
            | {"people": people, "templates": templates, "timezone": "Asia/Ho_Chi_Minh"}
        )


def small_loop(tmp_path: Path) -> KioskLoop:
    loop = make_loop(tmp_path, FakeSender())
    loop.pipeline = FacePipeline(SmallFaceDetector(), loop.pipeline.embedder, IDENTITY)
    return loop


def flicker(place: int, times: int) -> list[NDArray[np.uint8]]:
    """A far face seen for 3 frames, lost for 7 (its track ends), `times` over."""
    return ([image(place)] * 3 + [image(0)] * 7) * times


def prompts(loop: KioskLoop) -> int:
    return sum(e.kind is ScreenKind.COME_CLOSER for e in loop.screen.latest())


def test_come_closer_is_said_once_for_a_face_the_tracker_keeps_losing(tmp_path: Path) -> None:
    loop = small_loop(tmp_path)
    play(loop, flicker(SMALL, 6))
    assert loop.tracker._next_id >= 7  # six tracks, one face
    assert prompts(loop) == 1


def test_come_closer_is_said_to_each_face_and_again_after_a_while(tmp_path: Path) -> None:
    loop = small_loop(tmp_path)
    play(loop, flicker(SMALL, 2) + flicker(SMALL + 1, 2))
    assert prompts(loop) == 2  # two places, two faces
    play(loop, flicker(SMALL, 1), start_s=100)  # long gone, then back: a new arrival
    assert prompts(loop) == 3


def test_a_small_face_is_asked_to_come_closer_and_decided_only_when_it_has(
    tmp_path: Path,
) -> None:
    loop = small_loop(tmp_path)
    play(loop, [image(SMALL, MATCH)] * 4)  # Bình, far off: her face matches, but small
    assert prompts(loop) == 1
    assert loop.outbox.pending() == []  # not checked in while asked to come closer
    assert loop.screen.now_json()["cards"] == []
    assert loop.screen.now_json()["prompt"] is not None
    play(loop, [image(CLOSER, MATCH)] * 2, start_s=1)  # the same face, come closer
    assert [e.person_id for e in loop.outbox.pending()] == [BINH]
    now = loop.screen.now_json()
    assert now["prompt"] is None  # the prompt went when her card came: one message
    assert [c["kind"] for c in now["cards"]] == ["welcome"]  # type: ignore[union-attr]


def zoned_loop(tmp_path: Path) -> KioskLoop:
    """The kiosk's own zone is UTC; the server says Hanoi."""
    loop = make_loop(tmp_path, FakeSender())
    loop.pipeline = FacePipeline(FakeDetector(), AnEmbedder(), IDENTITY)
    loop.sync = GallerySync(ZonedServer(), model_key=IDENTITY.key, dim=4, zone="UTC")
    loop.sync.sync()
    return loop


def assert_hanoi_now(at: datetime) -> None:
    assert at.utcoffset() == timedelta(hours=7)
    assert abs((at - datetime.now(timezone.utc)).total_seconds()) < 60


def test_cards_carry_title_and_unit_on_time_or_late_in_the_servers_zone(tmp_path: Path) -> None:
    loop = zoned_loop(tmp_path)
    play(loop, [image(1, MATCH)] * 2)  # Bình, five minutes after the start: on time
    play(loop, [image(0)] * 7 + [image(2, AN_MATCH)] * 2, start_s=2)  # An, 40 minutes late
    late, on_time = loop.screen.latest()
    assert on_time.kind is ScreenKind.WELCOME and on_time.person is not None
    assert (on_time.person.title, on_time.person.unit) == (None, "UBND Quận 1")
    assert late.kind is ScreenKind.LATE and late.person is not None
    assert late.person.title == "Phó Giám đốc Sở Giáo dục và Đào tạo"
    assert late.person.unit == "Sở Giáo dục và Đào tạo"
    assert_hanoi_now(on_time.at)
    assert loop.screen.now_json()["zone"] == "Asia/Ho_Chi_Minh"


def test_already_checked_in_in_an_earlier_run_says_when_in_the_servers_zone(
    tmp_path: Path,
) -> None:
    play(zoned_loop(tmp_path), [image(1, MATCH)] * 2)
    again = zoned_loop(tmp_path)  # the same outbox file: a restarted kiosk
    play(again, [image(1, MATCH)] * 2)
    (card,) = again.screen.latest()
    assert card.kind is ScreenKind.ALREADY_CHECKED_IN and card.checked_in_at is not None
    assert_hanoi_now(card.checked_in_at)
    assert card.message_vi().startswith("Đồng chí Trần Thị Bình đã điểm danh lúc ")
    status = card.to_json()["status_vi"]
    assert isinstance(status, str) and status.endswith(card.checked_in_at.strftime("%H:%M"))
