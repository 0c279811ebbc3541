"""Who the server says is present in the room's meetings, however they came in, and since when."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from wire.kiosk import KioskArrivalsRead

logger = logging.getLogger(__name__)

# How often the kiosk asks (GET /kiosk/arrivals, mostly a 304): someone checked in by hand
# at the desk reaches the door's screen within this, and so does a revoked token.
ARRIVALS_INTERVAL_S = 3.0

Key = tuple[int, int]  # (meeting, person)


class ArrivalsServer(Protocol):
    def arrivals(self, *, etag: str | None) -> KioskArrivalsRead | None: ...


class ArrivalBook:
    """Thread-safe: the courier polls and hears check-in answers, the frame loop reads.

    Two sources: the server's list (replaced whole by each poll) and what a check-in's answer
    said between polls (the person had arrived another way first), kept until a poll asked
    after it answers for it.
    """

    def __init__(
        self, server: ArrivalsServer | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.server = server
        self.etag: str | None = None
        self._clock = clock
        self._lock = threading.Lock()
        self._polled: dict[Key, datetime] = {}
        self._heard: dict[Key, tuple[datetime, float]] = {}  # -> (first arrival, when heard)

    def poll(self) -> bool:
        """Ask the server; True when its list changed. Raises what the server raises."""
        if self.server is None:
            return False
        asked = self._clock()
        answer = self.server.arrivals(etag=self.etag)
        if answer is None:
            return False
        polled = {(m.meeting_id, a.person_id): a.at for m in answer.meetings for a in m.arrivals}
        with self._lock:
            self._polled = polled
            self._heard = {k: v for k, v in self._heard.items() if v[1] >= asked}
            self.etag = answer.etag
        logger.debug("arrivals: %d present", len(polled))
        return True

    def heard(self, meeting_id: int, person_id: int, first_at: datetime) -> None:
        """A check-in's answer: this person had arrived before, at `first_at`."""
        with self._lock:
            self._heard[(meeting_id, person_id)] = (first_at, self._clock())

    def first_arrival(self, meeting_id: int, person_id: int) -> datetime | None:
        key = (meeting_id, person_id)
        with self._lock:
            found = self._polled.get(key)
            heard = self._heard.get(key)
        if found is None and heard is not None:
            return heard[0]
        return found
