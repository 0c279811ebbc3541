"""Templates not used by recognition for long are listed for re-consent, never deleted."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from api_support import create_meeting
from fastapi.testclient import TestClient

Rows = Callable[[], dict[str, int]]


def _stored(when: datetime) -> str:
    return when.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")


def test_people_whose_templates_went_unused_are_listed_not_deleted(
    client: TestClient, enrolled: list[int], db_path: Path, rows: Rows
) -> None:
    seen_by_face, checked_in_by_hand = enrolled[0], enrolled[1]
    now = datetime.now(timezone.utc)
    meeting_id = create_meeting(client, enrolled[:2])
    with sqlite3.connect(db_path) as db:
        db.execute(
            "UPDATE face_templates SET created_at = ?", (_stored(now - timedelta(days=1100)),)
        )
        for person_id, similarity, key in (
            (seen_by_face, 0.71, "face"),
            (checked_in_by_hand, None, "hand"),
        ):
            db.execute(
                "INSERT INTO attendance_events (meeting_id, person_id, kind, at, source,"
                " similarity, idempotency_key, created_at)"
                " VALUES (?, ?, 'arrived', ?, 'kiosk', ?, ?, ?)",
                (
                    meeting_id,
                    person_id,
                    _stored(now - timedelta(days=30)),
                    similarity,
                    key,
                    _stored(now),
                ),
            )
    listed = client.get("/api/v1/people/reconsent")
    assert listed.status_code == 200, listed.text
    people = {p["person_id"]: p for p in listed.json()}
    assert seen_by_face not in people  # recognised a month ago: in use
    assert set(people) == set(enrolled) - {seen_by_face}
    assert people[checked_in_by_hand]["last_used_at"] is None  # a manual check-in is no use
    assert people[checked_in_by_hand]["templates"] == 1
    stricter = client.get("/api/v1/people/reconsent", params={"unused_days": 10}).json()
    assert seen_by_face in {p["person_id"] for p in stricter}
    assert rows()["face_templates"] == len(enrolled)  # listed, never deleted
    assert client.get("/api/v1/people/reconsent", params={"unused_days": 0}).status_code == 422
