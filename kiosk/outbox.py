"""Check-in events kept on disk (SQLite) until the server has them, delivered in order."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import ClassVar, Generic, Protocol, TypeVar

from attendance.db import private_file

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
    # Delivered, but the person had arrived another way first (by hand, a photo, another
    # kiosk): the server kept that arrival, at this time (ISO 8601).
    arrived_at: str | None = None


class Sender(Protocol):
    def send(self, event: CheckinEvent) -> SendResult: ...


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    rejected: int
    pending: int
    retry_in_s: float | None  # set when delivery stopped on a failure


class _Keyed(Protocol):
    @property
    def idempotency_key(self) -> str: ...


Item = TypeVar("Item", bound=_Keyed)


class DeliveryQueue(ABC, Generic[Item]):
    """A durable, ordered queue in one SQLite table, keyed by idempotency key; subclasses
    give the table and how a row is stored, this sends, backs off and records the outcome.

    Each call opens its own connection, so the frame loop (which enqueues) and the delivery
    thread (which sends) can share one file; WAL lets them do so without blocking each other.
    """

    _table: ClassVar[str]
    _schema: ClassVar[str]
    _noun: ClassVar[str]  # what the log lines call one item
    _logger: ClassVar[logging.Logger]

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
        # Pending check-ins name people; pending sightings hold face crops: owner-only, as the
        # server's database is (its WAL and shared-memory files take the file's mode).
        private_file(path)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(self._schema)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    @abstractmethod
    def pending(self) -> list[Item]:
        """The items still to send, oldest first."""

    def counts(self) -> dict[str, int]:
        with self._connect() as db:
            rows = db.execute(f"SELECT state, count(*) FROM {self._table} GROUP BY state")
            found = {str(s): int(n) for s, n in rows.fetchall()}
        return {PENDING: 0, SENT: 0, REJECTED: 0} | found

    def retry_in(self) -> float:
        """Seconds until the back-off allows the next attempt (0 when it does now)."""
        return max(0.0, self._not_before - self.clock())

    def _deliver(self, send: Callable[[Item], SendResult]) -> DeliveryReport:
        with self._lock:
            delivered = rejected = 0
            if self.retry_in() > 0:
                return DeliveryReport(0, 0, len(self.pending()), self.retry_in())
            for item in self.pending():
                result = send(item)
                if result.outcome is Outcome.RETRY:
                    self._failures += 1
                    delay = min(
                        self.max_backoff_s, self.initial_backoff_s * 2 ** (self._failures - 1)
                    )
                    self._not_before = self.clock() + delay
                    self._record(item, PENDING, result.message)
                    self._logger.warning(
                        "%s delivery failed (%s); retrying in %.1f s",
                        self._noun,
                        result.message,
                        delay,
                    )
                    return DeliveryReport(delivered, rejected, len(self.pending()), delay)
                self._failures = 0
                if result.outcome is Outcome.DELIVERED:
                    delivered += 1
                    self._record(item, SENT, None)
                else:
                    rejected += 1
                    self._record(item, REJECTED, result.message)
                    self._logger.error(
                        "server rejected %s %s: %s",
                        self._noun,
                        item.idempotency_key,
                        result.message,
                    )
            return DeliveryReport(delivered, rejected, len(self.pending()), None)

    def _record(self, item: Item, state: str, error: str | None) -> None:
        with self._connect() as db:
            db.execute(
                f"UPDATE {self._table} SET state = ?, attempts = attempts + 1, last_error = ? "
                "WHERE idempotency_key = ?",
                (state, error, item.idempotency_key),
            )


class Outbox(DeliveryQueue[CheckinEvent]):
    """A durable, ordered queue of check-in events keyed by their idempotency key."""

    _table = "outbox"
    _schema = _SCHEMA
    _noun = "check-in"
    _logger = logger

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

    def queued_at(self, idempotency_key: str) -> str | None:
        """When the event under this key was seen (its `at`), whatever its state; None if
        the key is not here."""
        with self._connect() as db:
            row = db.execute(
                "SELECT at FROM outbox WHERE idempotency_key = ?", (idempotency_key,)
            ).fetchone()
        return None if row is None else str(row[0])

    def pending(self) -> list[CheckinEvent]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT idempotency_key, meeting_id, person_id, at, similarity, margin "
                "FROM outbox WHERE state = ? ORDER BY id",
                (PENDING,),
            ).fetchall()
        return [CheckinEvent(*row) for row in rows]

    def deliver(self, sender: Sender) -> DeliveryReport:
        """Send pending events oldest first; stop at the first that must be retried."""
        return self._deliver(sender.send)
