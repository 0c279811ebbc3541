"""What one kiosk's JSON check-in asks of the database, counted on the real app: the reads
merged or dropped for speed (docs/benchmarks.md) must not come back. The rules themselves
are the other check-in tests' business; these count the statements that keep them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

from api_support import NAMES, create_meeting, create_people
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from test_api_kiosk import ROOM, kiosk_headers

# 22 before: the token's own session, the key and the first arrival read apart, the person
# read again for the answer. Either backend: SQLite's BEGIN IMMEDIATE is one of them.
MOST_STATEMENTS = 20


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine of this process runs meanwhile."""
    seen: list[str] = []

    def log(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", log)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", log)


@contextmanager
def flushes() -> Iterator[list[int]]:
    """How many objects each flush of any session of this process wrote meanwhile."""
    seen: list[int] = []

    def log(session: Session, _context: Any) -> None:
        seen.append(len(session.new) + len(session.dirty))

    event.listen(Session, "after_flush", log)
    try:
        yield seen
    finally:
        event.remove(Session, "after_flush", log)


def open_meeting(client: TestClient) -> tuple[int, list[int]]:
    now = datetime.now(timezone.utc)
    ids = create_people(client, NAMES[:2])
    meeting_id = create_meeting(
        client,
        ids,
        room=ROOM,
        starts_at=(now - timedelta(minutes=5)).isoformat(),
        ends_at=(now + timedelta(hours=2)).isoformat(),
    )
    return meeting_id, ids


def post(client: TestClient, headers: dict[str, str], meeting_id: int, person_id: int) -> int:
    body = {"person_id": person_id, "idempotency_key": f"k-{person_id}", "source": "kiosk:A"}
    response = client.post(f"/api/v1/meetings/{meeting_id}/checkins", json=body, headers=headers)
    return response.status_code


def reads_of(seen: list[str], table: str) -> list[str]:
    return [s for s in seen if s.startswith("SELECT") and f" FROM {table} " in f"{s} "]


def test_a_new_kiosk_check_in_reads_the_person_and_the_events_once(client: TestClient) -> None:
    meeting_id, ids = open_meeting(client)
    headers = kiosk_headers(client)
    assert post(client, headers, meeting_id, ids[0]) == 201  # the first request's warm-up
    with statements() as seen:
        assert post(client, headers, meeting_id, ids[1]) == 201
    listing = "\n".join(seen)
    assert len(reads_of(seen, "people")) == 1, listing
    assert len(reads_of(seen, "attendance_events")) == 1, listing
    assert len(reads_of(seen, "api_tokens")) == 1, listing
    assert len(seen) <= MOST_STATEMENTS, listing


def test_a_new_kiosk_check_in_writes_its_audit_entry_and_outbox_row_in_one_flush(
    client: TestClient,
) -> None:
    """The arrival (in its savepoint), then the audit entry and the outbox row together: a
    flush is a unit of work of its own, once three (the chain's updates are Core)."""
    meeting_id, ids = open_meeting(client)
    headers = kiosk_headers(client)
    assert post(client, headers, meeting_id, ids[0]) == 201
    with flushes() as seen, statements() as run:
        assert post(client, headers, meeting_id, ids[1]) == 201
    inserts = [s.split(" (")[0] for s in run if s.startswith("INSERT")]
    assert sorted(inserts) == [
        "INSERT INTO attendance_events",
        "INSERT INTO audit_log",
        "INSERT INTO outbound_events",
    ]
    assert len(seen) == 2, seen


def test_a_retried_kiosk_check_in_stops_at_its_key(client: TestClient) -> None:
    meeting_id, ids = open_meeting(client)
    headers = kiosk_headers(client)
    assert post(client, headers, meeting_id, ids[0]) == 201
    with statements() as seen:
        assert post(client, headers, meeting_id, ids[0]) == 200
    listing = "\n".join(seen)
    assert not [s for s in seen if not s.startswith("SELECT")], listing  # nothing written
    assert len(reads_of(seen, "attendance_events")) == 1, listing
