"""A write inside a savepoint goes with the transaction around it (SQLite's driver)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from attendance.checkin import check_in
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.meetings import create_meeting, set_participants
from attendance.orm import AttendanceEvent, AuditEntry, utcnow
from attendance.people import create_person


def test_an_arrival_is_rolled_back_with_the_request_that_wrote_it(database_url: str) -> None:
    # check_in writes the arrival in a savepoint (a racing kiosk's duplicate is caught there).
    # Python's sqlite3 opened no transaction before it, so the savepoint's RELEASE committed
    # the arrival on its own: a photo check-in answered 409 kept its first face checked in.
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        person = create_person(session, full_name="Nguyễn Văn An")
        now = utcnow()
        meeting = create_meeting(
            session, title="Giao ban", starts_at=now, ends_at=now + timedelta(hours=2)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
        ids = (meeting.id, person.id)
    with pytest.raises(RuntimeError), unit_of_work(factory) as session:
        result = check_in(
            session,
            meeting_id=ids[0],
            person_id=ids[1],
            source="manual",
            idempotency_key="k1",
            note="đến bằng cửa sau",
            actor="Thư ký",
        )
        assert result.created
        raise RuntimeError("what comes after the arrival fails")
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(AttendanceEvent)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    with unit_of_work(factory) as session:  # and a check-in that is kept is kept
        check_in(session, meeting_id=ids[0], person_id=ids[1], source="kiosk", idempotency_key="k2")
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(AttendanceEvent)) == 1
    engine.dispose()
