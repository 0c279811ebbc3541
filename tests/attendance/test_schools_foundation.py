"""Classes, their sessions as meetings, and the outbound event outbox: the foundation the
school routes stand on."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import outbound
from attendance.errors import Conflict, Invalid, NotFound
from attendance.orm import Participant, Person
from attendance.permissions import Permission, Principal, authorize
from attendance.schools import classes, sessions
from attendance.staff.accounts import create_account
from attendance.staff.tables import MeetingStaff
from attendance.tokens import SECRETARY, TEACHER


def _people(session: Session, n: int) -> list[int]:
    rows = [Person(full_name=f"Học sinh {i}", search_name=f"hoc sinh {i}") for i in range(n)]
    session.add_all(rows)
    session.flush()
    return [p.id for p in rows]


def _teacher(session: Session, username: str) -> int:
    return create_account(
        session,
        username=username,
        display_name=username,
        role=TEACHER,
        password="a long enough password 1",
        actor="test",
    ).id


def test_a_session_is_a_meeting_with_the_class_as_roster_and_its_teachers(
    session: Session,
) -> None:
    cls = classes.create_class(
        session, name="10A1", school="THPT Long Biên", school_year="2026-2027"
    )
    kids = _people(session, 3)
    classes.set_students(session, class_id=cls.id, person_ids=kids)
    teacher = _teacher(session, "co.lan")
    classes.set_teachers(session, class_id=cls.id, account_ids=[teacher])
    row = sessions.create_session(
        session,
        class_id=cls.id,
        day=date(2030, 1, 7),
        start=time(7, 30),
        end=time(8, 15),
        zone="Asia/Ho_Chi_Minh",
        period=1,
        subject="Toán",
    )
    roster = session.scalars(
        select(Participant).where(Participant.meeting_id == row.meeting_id)
    ).all()
    assert sorted(p.person_id for p in roster) == kids
    assert not any(p.voting_rights for p in roster)
    staff = session.scalars(
        select(MeetingStaff.account_id).where(MeetingStaff.meeting_id == row.meeting_id)
    ).all()
    assert staff == [teacher]
    meeting = row.meeting_id
    assert sessions.meeting_purpose(session, meeting_id=meeting) == "school_attendance"
    starts = sessions.sessions_of_class(session, class_id=cls.id)[0][1].starts_at
    assert starts == datetime(2030, 1, 7, 0, 30, tzinfo=timezone.utc)
    # A student added later joins the session that has not started.
    more = _people(session, 1)
    classes.set_students(session, class_id=cls.id, person_ids=kids + more)
    roster_ids = session.scalars(
        select(Participant.person_id).where(Participant.meeting_id == meeting)
    ).all()
    assert sorted(roster_ids) == sorted(kids + more)


def test_bad_classes_are_refused(session: Session) -> None:
    classes.create_class(session, name="6A", school="THCS Gia Thụy", school_year="2026-2027")
    with pytest.raises(Conflict):
        classes.create_class(session, name="6A", school="THCS Gia Thụy", school_year="2026-2027")
    with pytest.raises(Invalid):
        classes.create_class(session, name=" ", school="THCS Gia Thụy", school_year="2026-2027")
    with pytest.raises(NotFound):
        classes.get_class(session, class_id=999)
    cls = classes.create_class(session, name="6B", school="THCS Gia Thụy", school_year="2026-2027")
    with pytest.raises(NotFound):
        classes.set_students(session, class_id=cls.id, person_ids=[12345])
    secretary = create_account(
        session,
        username="vanthu",
        display_name="Văn thư",
        role=SECRETARY,
        password="a long enough password 1",
        actor="test",
    )
    with pytest.raises(Invalid):
        classes.set_teachers(session, class_id=cls.id, account_ids=[secretary.id])


def test_a_teacher_reaches_only_the_classes_they_teach(session: Session) -> None:
    mine = classes.create_class(session, name="7A", school="THCS", school_year="2026-2027")
    other = classes.create_class(session, name="7B", school="THCS", school_year="2026-2027")
    teacher = _teacher(session, "thay.minh")
    classes.set_teachers(session, class_id=mine.id, account_ids=[teacher])
    who = Principal(role=TEACHER, actor="thay.minh", kind="session", account_id=teacher)
    authorize(session, who, Permission.READ_CLASSES, class_id=mine.id)
    with pytest.raises(NotFound):
        authorize(session, who, Permission.READ_CLASSES, class_id=other.id)
    assert classes.classes_taught_by(session, account_id=teacher) == {mine.id}


def test_published_events_wait_in_the_outbox_in_order(session: Session) -> None:
    first = outbound.publish(session, event=outbound.ARRIVED, data={"person_id": 1})
    second = outbound.publish(session, event=outbound.ABSENT, data={"person_id": 2})
    assert second.seq > first.seq and first.id != second.id
    body = outbound.envelope(first)
    assert body["event"] == "arrived" and body["data"] == {"person_id": 1}
    json.dumps(body)
    with pytest.raises(ValueError):
        outbound.publish(session, event="exploded", data={})


def test_a_person_event_names_the_lesson_and_the_student(session: Session) -> None:
    from attendance.outbound_data import publish_person_event

    cls = classes.create_class(session, name="8C", school="THCS Ngọc Lâm", school_year="2026-2027")
    kid = _people(session, 1)
    classes.set_students(session, class_id=cls.id, person_ids=kid)
    row = sessions.create_session(
        session,
        class_id=cls.id,
        day=date(2030, 1, 8),
        start=time(7, 0),
        end=time(7, 45),
        zone="Asia/Ho_Chi_Minh",
        period=1,
    )
    at = datetime(2030, 1, 8, 0, 10, tzinfo=timezone.utc)
    event = publish_person_event(
        session, event="late", meeting_id=row.meeting_id, person_id=kid[0], at=at, source="kiosk"
    )
    data = outbound.envelope(event)["data"]
    assert isinstance(data, dict)
    assert data["class"] == {"id": cls.id, "name": "8C", "school": "THCS Ngọc Lâm", "period": 1}
    assert data["person"]["full_name"] == "Học sinh 0"
    assert data["at"] == at.isoformat()
