"""The kiosk screen's state: what it said (with its texts), the cards on show, the latest frame."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import cv2
import numpy as np
from numpy.typing import NDArray

from kiosk.screen_texts import ScreenEvent, ScreenKind, ScreenPerson

__all__ = ["ScreenEvent", "ScreenKind", "ScreenLog", "ScreenPerson", "ShownFace", "render_jpeg"]

# Below this short side (pixels) a face is too small to decide on: ask the person to come
# closer. SFace works on 112 px crops; 60 px is where its matches start to go astray.
COME_CLOSER_PX = 60.0
MAX_EVENTS = 20
JPEG_QUALITY = 80
# A card stays this long; three at most are on show at once, the next waits for a place.
CARD_SECONDS = 5.0
MAX_CARDS = 3

# BGR, as OpenCV draws.
DECIDED_BGR = (0, 200, 0)
UNDECIDED_BGR = (0, 220, 255)

Box = tuple[float, float, float, float]  # x, y, width, height


@dataclass(frozen=True)
class ShownFace:
    box: Box
    decided: bool


@dataclass(frozen=True)
class _Entry:
    seq: int
    event: ScreenEvent
    added: float  # the screen's clock (monotonic seconds)
    shown_from: float  # when its card goes up (a prompt's: when it was added)


class ScreenLog:
    """Thread-safe: the frame loop writes, the web server's threads read.

    Every event but "come closer" is a card: each stays `card_seconds`, at most `max_cards`
    at once; one that finds no free place waits for the oldest to go (first come, first
    shown), so a group walking in is greeted one after another, never skipped.
    """

    def __init__(
        self,
        max_events: int = MAX_EVENTS,
        *,
        card_seconds: float = CARD_SECONDS,
        max_cards: int = MAX_CARDS,
        zone: ZoneInfo | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.card_seconds = card_seconds
        self.max_cards = max_cards
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: deque[_Entry] = deque(maxlen=max_events)
        self._card_starts: deque[float] = deque(maxlen=max_cards)
        self._seq = 0
        self.zone = zone or ZoneInfo("Asia/Ho_Chi_Minh")
        self._image: NDArray[np.uint8] | None = None
        self._faces: tuple[ShownFace, ...] = ()

    def set_zone(self, zone: ZoneInfo) -> None:
        """The server's zone (from the gallery sync): the clock on the screen shows it."""
        self.zone = zone

    def add(self, event: ScreenEvent) -> int:
        """Its number, to `replace` or `withdraw` it later."""
        with self._lock:
            now = self._clock()
            self._seq += 1
            shown_from = now
            if event.kind is not ScreenKind.COME_CLOSER:
                if len(self._card_starts) == self.max_cards:
                    shown_from = max(now, self._card_starts[0] + self.card_seconds)
                self._card_starts.append(shown_from)
            self._entries.append(_Entry(self._seq, event, now, shown_from))
            return self._seq

    def replace(self, seq: int, event: ScreenEvent) -> bool:
        """Say `event` instead, in the same place and for the rest of the same time (under a
        new number, so the page redraws it); False when that one is no longer kept."""
        with self._lock:
            for i, entry in enumerate(self._entries):
                if entry.seq == seq:
                    self._seq += 1
                    self._entries[i] = _Entry(self._seq, event, entry.added, entry.shown_from)
                    return True
        return False

    def withdraw(self, seq: int) -> None:
        """Take a prompt off the screen now (the face it asked to come closer has come)."""
        with self._lock:
            self._entries = deque(
                (e for e in self._entries if e.seq != seq), maxlen=self._entries.maxlen
            )

    def latest(self) -> list[ScreenEvent]:
        """Newest first."""
        with self._lock:
            return [e.event for e in reversed(self._entries)]

    def events_json(self) -> list[dict[str, object]]:
        """Newest first, each with its number (the page tells its cards apart by it)."""
        with self._lock:
            entries = list(reversed(self._entries))
        return [{"id": e.seq, **e.event.to_json()} for e in entries]

    def now_json(self) -> dict[str, object]:
        """What the screen shows now: the cards (newest first), the "come closer" prompt if
        one was said within a card's time, and the clock, all in the server's zone."""
        with self._lock:
            now = self._clock()
            entries = list(self._entries)
        shown = [e for e in entries if e.shown_from <= now < e.shown_from + self.card_seconds]
        cards = [e for e in shown if e.event.kind is not ScreenKind.COME_CLOSER]
        prompts = [e for e in shown if e.event.kind is ScreenKind.COME_CLOSER]
        prompt = prompts[-1].event if prompts else None
        return {
            "cards": [{"id": e.seq, **e.event.to_json()} for e in reversed(cards)],
            "prompt": None
            if prompt is None
            else {"vi": prompt.message_vi(), "en": prompt.message_en()},
            "clock": datetime.now(self.zone).strftime("%H:%M"),
            "zone": self.zone.key,
        }

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
