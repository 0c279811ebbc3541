"""A kiosk loop on fake models behind its real web server, for driving its screen in a browser.

Each frame says in its first pixel where the face is (0: none; 1-3: a 160 px face at one of
three places; 9: a 40 px face far off) and in its second whose face it is; the gallery comes
from an in-memory server in Hanoi's zone, while the kiosk's own zone is UTC.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from attendance.matching import MatchPolicy
from kiosk.capture import Frame
from kiosk.command import kiosk_routes
from kiosk.loop import KioskLoop, KioskOptions
from kiosk.outbox import CheckinEvent, Outbox, Outcome, SendResult
from kiosk.screen import ScreenLog
from kiosk.sync import GallerySync
from kiosk.web import KioskWebServer
from models.packs import FacePipeline
from models.types import DetectedFace, ModelFile, ModelIdentity
from wire.kiosk import KioskGalleryRead, TemplatesRead

IDENTITY = ModelIdentity("fake", (ModelFile("fake.onnx", "0" * 64),), dim=4)
AN, BINH, CUONG = 1, 2, 3  # An is late, Bình on time, Cường on no list; each is an axis
FAR = 9
LONG_TITLE = "Phó Giám đốc Sở Giáo dục và Đào tạo"
PEOPLE = {
    AN: ("Nguyễn Văn An", LONG_TITLE, "Sở Giáo dục và Đào tạo thành phố Hà Nội"),
    BINH: ("Trần Thị Bình", "Chánh Văn phòng", "UBND Quận Hoàn Kiếm"),
    CUONG: ("Lê Hoàng Cường", None, None),
}
SERVER_ZONE = "Asia/Ho_Chi_Minh"


def unit(*values: float) -> NDArray[np.float32]:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


class FakeDetector:
    def detect(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        return self.detect_coarse(image_bgr)

    def detect_coarse(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        place = int(image_bgr[0, 0, 0])
        if place == 0:
            return []
        side = 40.0 if place == FAR else 160.0
        x = 560.0 if place == FAR else float(40 + 200 * (place - 1))
        box = (x, 60.0 if place == FAR else 200.0, side, side)
        return [DetectedFace(box, 0.9, np.zeros((5, 2), dtype=np.float32))]

    def refine(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> list[DetectedFace]:
        return faces


class FakeEmbedder:
    dim = 4

    def embed(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        who = int(image_bgr[0, 0, 1])
        axes = [0.05, 0.05, 0.05, 0.05]
        if 1 <= who <= 3:
            axes[who - 1] = 0.95
        return np.stack([unit(*axes) for _ in faces])


class MemoryServer:
    """Bình's meeting began five minutes ago; An's 40 minutes ago (late after 15)."""

    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        now = datetime.now(timezone.utc)

        def meeting(meeting_id: int, person: int, started_min: int) -> dict[str, object]:
            return {
                "id": meeting_id,
                "title": "Họp giao ban",
                "starts_at": now - timedelta(minutes=started_min),
                "ends_at": now + timedelta(hours=2),
                "late_after_minutes": 15,
                "person_ids": [person],
                "checkin_opens_at": now - timedelta(hours=2),
                "checkin_closes_at": now + timedelta(hours=2),
            }

        people = [
            {"id": p, "full_name": name, "title": title, "unit": unit_name}
            for p, (name, title, unit_name) in PEOPLE.items()
        ]
        return KioskGalleryRead.model_validate(
            {
                "room": "Phòng họp 1",
                "model": IDENTITY.key,
                "etag": "1",
                "meetings": [meeting(7, BINH, 5), meeting(8, AN, 40)],
                "people": people,
                "templates": [{"id": p, "person_id": p} for p in PEOPLE],
                "timezone": SERVER_ZONE,
            }
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


class KeepingSender:
    def send(self, event: CheckinEvent) -> SendResult:
        return SendResult(Outcome.DELIVERED)


class PlayedByTheTest:
    """No capture thread here: the test hands the loop its frames."""

    finite = True

    def open(self) -> bool:
        return True

    def read(self) -> NDArray[np.uint8] | None:
        return None

    def close(self) -> None:
        pass


class ScreenClock:
    """The screen's clock, moved by the test: cards come and go when it says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def image(place: int, who: int = 0) -> NDArray[np.uint8]:
    frame = np.full((480, 720, 3), 70, dtype=np.uint8)
    frame[0, 0, :2] = (place, who)
    return frame


@dataclass
class ScreenKiosk:
    loop: KioskLoop
    url: str
    clock: ScreenClock
    frames: int = 0

    def play(self, frames: list[NDArray[np.uint8]]) -> None:
        for frame in frames:
            self.frames += 1
            self.loop.process(Frame(self.frames, frame, self.frames / 5.0))


@contextmanager
def screen_kiosk(tmp_path: Path) -> Iterator[ScreenKiosk]:
    clock = ScreenClock()
    sync = GallerySync(MemoryServer(), model_key=IDENTITY.key, dim=4, zone="UTC")
    sync.sync()
    loop = KioskLoop(
        pipeline=FacePipeline(FakeDetector(), FakeEmbedder(), IDENTITY),
        sync=sync,
        outbox=Outbox(tmp_path / "outbox.sqlite"),
        sender=KeepingSender(),
        source=PlayedByTheTest(),
        policy=MatchPolicy(threshold=0.5, margin=0.05),
        options=KioskOptions(name="cửa-1"),
        screen=ScreenLog(card_seconds=5, clock=clock),
    )
    stop = threading.Event()
    web = KioskWebServer(("127.0.0.1", 0), kiosk_routes(loop), stop)
    web.start()
    try:
        yield ScreenKiosk(loop, f"http://127.0.0.1:{web.address[1]}", clock)
    finally:
        stop.set()
        web.close()
