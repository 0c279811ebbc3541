"""The retention purge runs on its own in the server: no page or API call is needed."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from attendance.db import make_engine, make_session_factory
from attendance.matching import Decision, FaceDecision
from attendance.meetings import create_meeting, set_participants
from attendance.migrate import upgrade
from attendance.orm import AuditEntry
from attendance.people import create_person
from attendance.review.service import record_review
from attendance.review.tables import ReviewItem
from attendance.settings import RetentionSettings, Settings


def _seed(url: str) -> tuple[int, int]:
    """A meeting still running, and two pending review items: one taken three days ago,
    one just now (each with a face crop)."""
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        person = create_person(session, full_name="Nguyễn Văn An")
        now = datetime.now(timezone.utc)
        meeting = create_meeting(
            session,
            title="Hội nghị ba ngày",
            starts_at=now - timedelta(days=3),
            ends_at=now + timedelta(days=1),
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
        ids = []
        for key in ("old", "new"):
            decision = FaceDecision(Decision.UNKNOWN, None, person.id, 0.44, 0.01, None)
            item = record_review(
                session,
                meeting_id=meeting.id,
                decision=decision,
                source="cửa A",
                key=key,
                crop_jpeg=b"a face",
            )
            assert item is not None
            ids.append(item.id)
        old = session.get(ReviewItem, ids[0])
        assert old is not None
        old.created_at = now - timedelta(days=3)
        session.commit()
    engine.dispose()
    return ids[0], ids[1]


def test_old_review_crops_are_purged_by_the_server_without_any_request(database_url: str) -> None:
    url = database_url
    old_id, new_id = _seed(url)
    settings = Settings(
        db_url=url,
        admin_token="test-admin-token-123",
        retention=RetentionSettings(review_crop_days=2, period_seconds=0.1, first_run_seconds=0.2),
    )
    app = create_app(settings, warm_up=False)
    engine = make_engine(url)
    sessions = make_session_factory(engine)

    def crops() -> dict[int, bytes | None]:
        with sessions() as session:
            rows = session.execute(select(ReviewItem.id, ReviewItem.crop_jpeg)).all()
            return {int(i): c for i, c in rows}

    def schedulers() -> int:
        return sum(t.name == "scheduler-retention" for t in threading.enumerate())

    running_before = schedulers()
    with TestClient(app):  # its lifespan runs; no request is made
        assert schedulers() == running_before + 1
        deadline = time.monotonic() + 20
        while crops()[old_id] is not None and time.monotonic() < deadline:
            time.sleep(0.1)
    assert crops() == {old_id: None, new_id: b"a face"}
    assert schedulers() == running_before  # its thread (one per job) stopped at shutdown
    with sessions() as session:
        item = session.get(ReviewItem, old_id)
        assert item is not None and item.status == "expired"
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "retention_purge")
        ).all()
    engine.dispose()
    assert len(entries) == 1  # later runs found nothing and wrote nothing
    assert '"review_crops": 1' in entries[0].detail
