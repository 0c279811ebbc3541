"""Check-in events kept on disk (SQLite) until the server has them, delivered in order."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol

logger = logging.getLogger(__name__)

PENDING, SENT, REJECTED = "pending", "sent", "rejected"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    meeting_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    similarity REAL,
    margin REAL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
)
"""


@dataclass(frozen=True)
class CheckinEvent:
    idempotency_key: str
    meeting_id: int
    person_id: int
    at: str  # ISO 8601 with offset: when the person was seen, not when it was delivered
    similarity: float | None = None
    margin: float | None = None


class Outcome(str, Enum):
    DELIVERED = "delivered"  # the server has it (new or already known)
    REJECTED = "rejected"  # the server refused it for good (4xx): do not send it again
    RETRY = "retry"  # unreachable or a server error: send it again later


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message: str = ""


class Sender(Protocol):
    def send(self, event: CheckinEvent) -> SendResult: ...


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    rejected: int
    pending: int
    retry_in_s: float | None  # set when delivery stopped on a failure


class Outbox:
    """A durable, ordered queue of check-in events keyed by their idempotency key.

    Each call opens its own connection, so the frame loop (which enqueues) and the delivery
    thread (which sends) can share one file; WAL lets them do so without blocking each other.
    """

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

    def enqueue(self, event: CheckinEvent) -> bool:
        """Store the event durably; False when its key is already here (nothing added)."""
        with self._connect() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO outbox "
                "(idempotency_key, meeting_id, person_id, at, similarity, margin) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    event.idempotency_key,
                    event.meeting_id,
                    event.person_id,
                    event.at,
                    event.similarity,
                    event.margin,
                ),
            )
            return cursor.rowcount == 1

    def pending(self) -> list[CheckinEvent]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT idempotency_key, meeting_id, person_id, at, similarity, margin "
                "FROM outbox WHERE state = ? ORDER BY id",
                (PENDING,),
            ).fetchall()
        return [CheckinEvent(*row) for row in rows]

    def counts(self) -> dict[str, int]:
        with self._connect() as db:
            rows = db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
        return {PENDING: 0, SENT: 0, REJECTED: 0} | {str(s): int(n) for s, n in rows}

    def retry_in(self) -> float:
        """Seconds until the back-off allows the next attempt (0 when it does now)."""
        return max(0.0, self._not_before - self.clock())

    def deliver(self, sender: Sender) -> DeliveryReport:
        """Send pending events oldest first; stop at the first that must be retried."""
        with self._lock:
            delivered = rejected = 0
            if self.retry_in() > 0:
                return DeliveryReport(0, 0, len(self.pending()), self.retry_in())
            for event in self.pending():
                result = sender.send(event)
                if result.outcome is Outcome.RETRY:
                    self._failures += 1
                    delay = min(
                        self.max_backoff_s, self.initial_backoff_s * 2 ** (self._failures - 1)
                    )
                    self._not_before = self.clock() + delay
                    self._record(event, PENDING, result.message)
                    logger.warning(
                        "check-in delivery failed (%s); retrying in %.1f s", result.message, delay
                    )
                    return DeliveryReport(delivered, rejected, len(self.pending()), delay)
                self._failures = 0
                if result.outcome is Outcome.DELIVERED:
                    delivered += 1
                    self._record(event, SENT, None)
                else:
                    rejected += 1
                    self._record(event, REJECTED, result.message)
                    logger.error(
                        "server rejected check-in %s: %s", event.idempotency_key, result.message
                    )
            return DeliveryReport(delivered, rejected, len(self.pending()), None)

    def _record(self, event: CheckinEvent, state: str, error: str | None) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ? "
                "WHERE idempotency_key = ?",
                (state, error, event.idempotency_key),
            )
