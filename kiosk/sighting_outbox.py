"""Uncertain faces kept on disk until the server has them: a second table beside check-ins.

A sighting carries a small face crop, biometric data: it leaves the kiosk's disk as soon as
the server has the sighting or has refused it for good.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from kiosk.outbox import PENDING, DeliveryQueue, DeliveryReport, SendResult

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


class SightingOutbox(DeliveryQueue[SightingEvent]):
    """A durable, ordered queue of sightings keyed by their idempotency key (see Outbox)."""

    _table = "sightings"
    _schema = _SCHEMA
    _noun = "sighting"
    _logger = logger

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

    def deliver(self, sender: SightingSender) -> DeliveryReport:
        """Send pending sightings oldest first; stop at the first that must be retried."""
        return self._deliver(sender.send_sighting)

    def _record(self, sighting: SightingEvent, state: str, error: str | None) -> None:
        # Once the server has it, or never will, the face crop has no purpose left here.
        with self._connect() as db:
            db.execute(
                "UPDATE sightings SET state = ?, attempts = attempts + 1, last_error = ?, "
                "crop_jpeg = CASE WHEN ? THEN crop_jpeg END WHERE idempotency_key = ?",
                (state, error, state == PENDING, sighting.idempotency_key),
            )
