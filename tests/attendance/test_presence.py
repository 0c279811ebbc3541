"""Check-out and return: reasons required, keys idempotent, the last event decides presence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from attendance.audit import entries
from attendance.checkin import check_in, meeting_attendance
from attendance.errors import Forbidden, Invalid
from attendance.meetings import create_meeting, set_participants
from attendance.orm import utcnow
from attendance.people import create_person
from attendance.presence import check_out, presence_event


@pytest.fixture
def member(session: Session) -> tuple[int, int]:
    person = create_person(session, full_name="Đỗ Thị Thu Hương")
    start = utcnow() - timedelta(hours=1)
    meeting = create_meeting(
        session, title="Giao ban tuần", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
    return meeting.id, person.id


def out(session: Session, meeting_id: int, person_id: int, **kw: object) -> tuple:
    args: dict[str, object] = {"reason": "Đi công tác", "actor": "thu-ky", "idempotency_key": "o1"}
    args.update(kw)
    return check_out(session, meeting_id=meeting_id, person_id=person_id, **args)  # type: ignore[arg-type]


def test_checking_out_someone_absent_is_refused_as_not_present(
    session: Session, member: tuple
) -> None:
    with pytest.raises(Forbidden) as refused:
        out(session, *member)
    assert refused.value.code == "NOT_PRESENT"


def test_check_out_needs_a_reason_and_is_logged_with_who(session: Session, member: tuple) -> None:
    meeting_id, person_id = member
    check_in(
        session,
        meeting_id=meeting_id,
        person_id=person_id,
        source="kiosk",
        idempotency_key="i1",
        at=utcnow() - timedelta(minutes=5),
    )
    with pytest.raises(Invalid):
        out(session, meeting_id, person_id, reason="  ")
    event, created = out(session, meeting_id, person_id)
    again, created_again = out(session, meeting_id, person_id)
    assert (created, created_again, again.id) == (True, False, event.id)
    assert presence_event(session, meeting_id=meeting_id, person_id=person_id) is None
    [logged] = [e for e in entries(session, meeting_id=meeting_id) if e.action == "check_out"]
    assert logged.actor == "thu-ky" and "Đi công tác" in logged.detail
    [row] = meeting_attendance(session, meeting_id=meeting_id)
    assert row.left_at == event.at and row.note == "Đi công tác"


def test_manual_check_in_needs_a_reason(session: Session, member: tuple) -> None:
    meeting_id, person_id = member
    with pytest.raises(Invalid):
        check_in(
            session,
            meeting_id=meeting_id,
            person_id=person_id,
            source="manual",
            idempotency_key="m1",
            actor="thu-ky",
        )
    result = check_in(
        session,
        meeting_id=meeting_id,
        person_id=person_id,
        source="manual",
        idempotency_key="m1",
        actor="thu-ky",
        note="Camera không nhận diện được",
    )
    assert result.created and result.event.note == "Camera không nhận diện được"
    assert [e.action for e in entries(session, meeting_id=meeting_id)] == ["check_in"]


def test_seen_again_after_check_out_is_a_return(session: Session, member: tuple) -> None:
    meeting_id, person_id = member
    check_in(
        session,
        meeting_id=meeting_id,
        person_id=person_id,
        source="kiosk",
        idempotency_key="i1",
        at=utcnow() - timedelta(minutes=5),
    )
    out(session, meeting_id, person_id, at=utcnow() - timedelta(minutes=2))
    back = check_in(
        session, meeting_id=meeting_id, person_id=person_id, source="kiosk", idempotency_key="i2"
    )
    assert back.created and back.event.kind == "returned"
    assert presence_event(session, meeting_id=meeting_id, person_id=person_id) == back.event
    [row] = meeting_attendance(session, meeting_id=meeting_id)
    assert row.left_at is None
