"""Uncertain faces kept on disk until the server has them: a second table beside check-ins.

A sighting carries a small face crop, biometric data: it leaves the kiosk's disk as soon as
the server has the sighting or has refused it for good.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kiosk.outbox import PENDING, REJECTED, SENT, DeliveryReport, Outcome, SendResult

logger = logging.getLogger(__name__)

# Its own table, created beside `outbox` in the same file: an outbox written before
# sightings existed gains it on the next start, and the check-ins' table is left as it was.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sightings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    meeting_id INTEGER NOT NULL,
    candidate_id INTEGER NOT NULL,
    runner_up_id INTEGER,
    similarity REAL NOT NULL,
    margin REAL,
    at TEXT NOT NULL,
    crop_jpeg BLOB,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
)
"""
_COLUMNS = (
    "idempotency_key, meeting_id, candidate_id, runner_up_id, similarity, margin, at, crop_jpeg"
)


@dataclass(frozen=True)
class SightingEvent:
    idempotency_key: str
    meeting_id: int
    candidate_id: int
    runner_up_id: int | None
    similarity: float
    margin: float | None
    at: str  # ISO 8601 with offset: when the face was seen
    crop_jpeg: bytes


class SightingSender(Protocol):
    def send_sighting(self, sighting: SightingEvent) -> SendResult: ...


class SightingOutbox:
    """A durable, ordered queue of sightings keyed by their idempotency key (see Outbox)."""

    def __init__(
        self,
        path: Path,
        *,
        initial_backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.initial_backoff_s = initial_backoff_s
        self.max_backoff_s = max_backoff_s
        self.clock = clock
        self._failures = 0
        self._not_before = 0.0
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    def enqueue(self, sighting: SightingEvent) -> bool:
        """Store the sighting durably; False when its key is already here (nothing added)."""
        with self._connect() as db:
            cursor = db.execute(
                f"INSERT OR IGNORE INTO sightings ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sighting.idempotency_key,
                    sighting.meeting_id,
                    sighting.candidate_id,
                    sighting.runner_up_id,
                    sighting.similarity,
                    sighting.margin,
                    sighting.at,
                    sighting.crop_jpeg,
                ),
            )
            return cursor.rowcount == 1

    def pending(self) -> list[SightingEvent]:
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM sightings WHERE state = ? ORDER BY id", (PENDING,)
            ).fetchall()
        return [SightingEvent(*row) for row in rows]

    def counts(self) -> dict[str, int]:
        with self._connect() as db:
            rows = db.execute("SELECT state, count(*) FROM sightings GROUP BY state").fetchall()
        return {PENDING: 0, SENT: 0, REJECTED: 0} | {str(s): int(n) for s, n in rows}

    def retry_in(self) -> float:
        return max(0.0, self._not_before - self.clock())

    def deliver(self, sender: SightingSender) -> DeliveryReport:
        """Send pending sightings oldest first; stop at the first that must be retried."""
        with self._lock:
            delivered = rejected = 0
            if self.retry_in() > 0:
                return DeliveryReport(0, 0, len(self.pending()), self.retry_in())
            for sighting in self.pending():
                result = sender.send_sighting(sighting)
                if result.outcome is Outcome.RETRY:
                    self._failures += 1
                    delay = min(
                        self.max_backoff_s, self.initial_backoff_s * 2 ** (self._failures - 1)
                    )
                    self._not_before = self.clock() + delay
                    self._record(sighting, PENDING, result.message)
                    logger.warning(
                        "sighting delivery failed (%s); retrying in %.1f s", result.message, delay
                    )
                    return DeliveryReport(delivered, rejected, len(self.pending()), delay)
                self._failures = 0
                if result.outcome is Outcome.DELIVERED:
                    delivered += 1
                    self._record(sighting, SENT, None)
                else:
                    rejected += 1
                    self._record(sighting, REJECTED, result.message)
                    logger.error(
                        "server rejected sighting %s: %s", sighting.idempotency_key, result.message
                    )
            return DeliveryReport(delivered, rejected, len(self.pending()), None)

    def _record(self, sighting: SightingEvent, state: str, error: str | None) -> None:
        # Once the server has it, or never will, the face crop has no purpose left here.
        with self._connect() as db:
            db.execute(
                "UPDATE sightings SET state = ?, attempts = attempts + 1, last_error = ?, "
                "crop_jpeg = CASE WHEN ? THEN crop_jpeg END WHERE idempotency_key = ?",
                (state, error, state == PENDING, sighting.idempotency_key),
            )
