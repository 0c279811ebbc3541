"""Templates not used by recognition for long are listed for re-consent, never deleted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from api_support import create_meeting
from fastapi.testclient import TestClient
from sqlalchemy import insert, update

from attendance.db import make_engine
from attendance.orm import AttendanceEvent, FaceTemplate

Rows = Callable[[], dict[str, int]]


def test_people_whose_templates_went_unused_are_listed_not_deleted(
    client: TestClient, enrolled: list[int], database_url: str, rows: Rows
) -> None:
    seen_by_face, checked_in_by_hand = enrolled[0], enrolled[1]
    now = datetime.now(timezone.utc)
    meeting_id = create_meeting(client, enrolled[:2])
    engine = make_engine(database_url)
    with engine.begin() as db:
        db.execute(update(FaceTemplate).values(created_at=now - timedelta(days=1100)))
        for person_id, similarity, key in (
            (seen_by_face, 0.71, "face"),
            (checked_in_by_hand, None, "hand"),
        ):
            db.execute(
                insert(AttendanceEvent).values(
                    meeting_id=meeting_id,
                    person_id=person_id,
                    kind="arrived",
                    at=now - timedelta(days=30),
                    source="kiosk",
                    similarity=similarity,
                    idempotency_key=key,
                    created_at=now,
                )
            )
    engine.dispose()
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
