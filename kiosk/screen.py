"""The kiosk screen's state: the latest decisions (with their texts) and the latest frame."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import cv2
import numpy as np
from numpy.typing import NDArray

# Below this short side (pixels) a face is too small to decide on: ask the person to come
# closer. SFace works on 112 px crops; 60 px is where its matches start to go astray.
COME_CLOSER_PX = 60.0
MAX_EVENTS = 20
JPEG_QUALITY = 80

# BGR, as OpenCV draws.
DECIDED_BGR = (0, 200, 0)
UNDECIDED_BGR = (0, 220, 255)

Box = tuple[float, float, float, float]  # x, y, width, height


class ScreenKind(str, Enum):
    WELCOME = "welcome"
    LATE = "late"
    ALREADY_CHECKED_IN = "already_checked_in"
    NOT_ON_ROSTER = "not_on_roster"
    COME_CLOSER = "come_closer"


@dataclass(frozen=True)
class ScreenPerson:
    id: int
    full_name: str
    title: str | None = None


@dataclass(frozen=True)
class ScreenEvent:
    at: datetime
    kind: ScreenKind
    person: ScreenPerson | None = None
    meeting_id: int | None = None
    checked_in_at: datetime | None = None  # ALREADY_CHECKED_IN: the first check-in, if known

    def message_vi(self) -> str:
        name = self.person.full_name if self.person else ""
        if self.kind is ScreenKind.WELCOME:
            title = self.person.title if self.person else None
            return f"Xin chào đồng chí {name}" + (f", {title}" if title else "")
        if self.kind is ScreenKind.LATE:
            return f"Xin chào đồng chí {name} — đến muộn"
        if self.kind is ScreenKind.ALREADY_CHECKED_IN:
            at = f" lúc {_clock(self.checked_in_at)}" if self.checked_in_at else ""
            return f"Đồng chí {name} đã điểm danh{at}"
        if self.kind is ScreenKind.NOT_ON_ROSTER:
            return "Không có trong danh sách cuộc họp này"
        return "Mời đồng chí đến gần hơn"

    def message_en(self) -> str:
        name = self.person.full_name if self.person else ""
        if self.kind is ScreenKind.WELCOME:
            return f"Welcome, {name}"
        if self.kind is ScreenKind.LATE:
            return f"Welcome, {name} — late"
        if self.kind is ScreenKind.ALREADY_CHECKED_IN:
            at = f" at {_clock(self.checked_in_at)}" if self.checked_in_at else ""
            return f"{name} already checked in{at}"
        if self.kind is ScreenKind.NOT_ON_ROSTER:
            return "Not on this meeting's list"
        return "Please come closer"

    def to_json(self) -> dict[str, object]:
        person = self.person
        return {
            "at": self.at.isoformat(),
            "kind": self.kind.value,
            "person": None
            if person is None
            else {"id": person.id, "full_name": person.full_name, "title": person.title},
            "meeting_id": self.meeting_id,
            "message_vi": self.message_vi(),
            "message_en": self.message_en(),
        }


def _clock(at: datetime) -> str:
    """HH:MM on the kiosk's own clock (an aware time is shown in the local zone)."""
    local = at.astimezone() if at.tzinfo is not None else at
    return local.strftime("%H:%M")


@dataclass(frozen=True)
class ShownFace:
    box: Box
    decided: bool


class ScreenLog:
    """Thread-safe: the frame loop writes, the web server's threads read."""

    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self._lock = threading.Lock()
        self._events: deque[ScreenEvent] = deque(maxlen=max_events)
        self._image: NDArray[np.uint8] | None = None
        self._faces: tuple[ShownFace, ...] = ()

    def add(self, event: ScreenEvent) -> None:
        with self._lock:
            self._events.append(event)

    def latest(self) -> list[ScreenEvent]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._events))

    def show(self, image: NDArray[np.uint8], faces: list[ShownFace]) -> None:
        """Keep a reference only: frames are never written to after capture, and the JPEG
        is made when someone asks for it, so an unwatched screen costs the loop nothing."""
        with self._lock:
            self._image, self._faces = image, tuple(faces)

    def frame_jpeg(self) -> bytes | None:
        with self._lock:
            image, faces = self._image, self._faces
        if image is None:
            return None
        return render_jpeg(image, faces)


def render_jpeg(image: NDArray[np.uint8], faces: tuple[ShownFace, ...]) -> bytes:
    canvas = image.copy()
    thickness = max(2, min(canvas.shape[:2]) // 240)
    for face in faces:
        x, y, w, h = (round(v) for v in face.box)
        colour = DECIDED_BGR if face.decided else UNDECIDED_BGR
        cv2.rectangle(canvas, (x, y), (x + w, y + h), colour, thickness)
    ok, encoded = cv2.imencode(".jpg", canvas, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return encoded.tobytes()
