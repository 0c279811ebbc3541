"""A school gate's kiosk: what its gallery holds (the school's students of the day, by their
school consent) and what a sighting records (in before the school's midday, out after)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session
from test_consent import _consent, _template

from attendance.errors import DomainError
from attendance.kiosk_sync import kiosk_scope
from attendance.meetings import create_meeting, set_participants
from attendance.orm import Person
from attendance.presence import LEFT
from attendance.schools import classes, sessions
from attendance.schools.gate import record_gate_sighting

ZONE = "Asia/Ho_Chi_Minh"
DAY = date(2030, 1, 7)
SCHOOL = "THPT Long Biên"
NOON = time(11, 0)


def _at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(ZONE))


def _person(session: Session, name: str) -> int:
    row = Person(full_name=name, search_name=name.lower())
    session.add(row)
    session.flush()
    return row.id


def _class(session: Session, name: str, school: str, students: list[int]) -> int:
    cls = classes.create_class(session, name=name, school=school, school_year="2029-2030")
    classes.set_students(session, class_id=cls.id, person_ids=students)
    return cls.id


def _lesson(session: Session, class_id: int, start: time, end: time, day: date = DAY) -> int:
    return sessions.create_session(
        session, class_id=class_id, day=day, start=start, end=end, zone=ZONE
    ).meeting_id


def _sight(session: Session, person_id: int, at: datetime, key: str, school: str = SCHOOL):
    return record_gate_sighting(
        session,
        school=school,
        person_id=person_id,
        at=at,
        now=at + timedelta(minutes=1),
        zone=ZONE,
        checkout_after=NOON,
        idempotency_key=key,
        by="cổng-1",
    )


def test_the_gate_gallery_holds_todays_students_of_its_school_by_their_school_consent(
    session: Session,
) -> None:
    mai, lan, tuan, hoa, binh = (
        _person(session, n) for n in ("Lê Thị Mai", "Phạm Lan", "Đỗ Tuấn", "Vũ Hoa", "Trần Bình")
    )
    today = _class(session, "10A1", SCHOOL, [mai, lan])
    tomorrow_only = _class(session, "10A2", SCHOOL, [tuan])
    elsewhere = _class(session, "6A", "THCS Gia Thụy", [hoa])
    _lesson(session, today, time(7, 0), time(7, 45))
    _lesson(session, tomorrow_only, time(7, 0), time(7, 45), day=DAY + timedelta(days=1))
    _lesson(session, elsewhere, time(7, 0), time(7, 45))
    meeting = create_meeting(
        session, title="Họp phụ huynh", starts_at=_at(8), ends_at=_at(9), room="Hội trường"
    )
    set_participants(session, meeting_id=meeting.id, person_ids=[binh])
    school = {"school_attendance"}
    kept = {
        p: _template(session, p, f"t{p}", consent_id=_consent(session, p, sorted(school)))
        for p in (mai, tuan, hoa)
    }
    meetings_only = _template(session, lan, "lan", consent_id=_consent(session, lan, ["meetings"]))
    _template(session, binh, "binh", consent_id=_consent(session, binh, ["meetings"]))

    scope = kiosk_scope(
        session, room="", model_key="m", now=_at(6, 30), zone=ZONE, others_limit=100, gate=SCHOOL
    )
    assert scope.gate == SCHOOL and scope.room == SCHOOL
    assert [sorted(m.person_ids) for m in scope.meetings] == [sorted([mai, lan])]
    assert {p.id for p in scope.people} == {mai, lan}  # nobody else, however many others
    # Lan is in class, but her face was kept for meetings only: the gate does not hold it.
    assert scope.template_ids == [(kept[mai], mai)]
    assert meetings_only not in {t for t, _ in scope.template_ids}


def test_a_room_kiosk_holds_a_lessons_students_by_school_consent_and_delegates_by_meetings(
    session: Session,
) -> None:
    pupil, delegate = _person(session, "Lê Thị Mai"), _person(session, "Trần Văn Bình")
    cls = _class(session, "10A1", SCHOOL, [pupil])
    lesson = sessions.create_session(
        session, class_id=cls, day=DAY, start=time(7), end=time(8), zone=ZONE, room="P101"
    )
    meeting = create_meeting(
        session, title="Họp tổ", starts_at=_at(9), ends_at=_at(10), room="P101"
    )
    set_participants(session, meeting_id=meeting.id, person_ids=[delegate])
    school_face = _template(
        session, pupil, "a", consent_id=_consent(session, pupil, ["school_attendance"])
    )
    _template(session, delegate, "b", consent_id=_consent(session, delegate, ["school_attendance"]))
    meeting_face = _template(
        session, delegate, "c", consent_id=_consent(session, delegate, ["meetings"])
    )
    scope = kiosk_scope(session, room="P101", model_key="m", now=_at(6), zone=ZONE)
    assert {m.meeting.id for m in scope.meetings} == {lesson.meeting_id, meeting.id}
    assert sorted(scope.template_ids) == sorted([(school_face, pupil), (meeting_face, delegate)])


def test_a_morning_sighting_arrives_an_afternoon_one_leaves(session: Session) -> None:
    mai = _person(session, "Lê Thị Mai")
    cls = _class(session, "10A1", SCHOOL, [mai])
    first = _lesson(session, cls, time(7, 0), time(7, 45))
    _lesson(session, cls, time(7, 50), time(8, 35))
    _lesson(session, cls, time(13, 30), time(14, 15))

    # 06:20, before the first lesson's own window opens: the arrival at school counts.
    came = _sight(session, mai, _at(6, 20), "cổng-1:in")
    assert came.created and came.direction == "in"
    assert (came.event.meeting_id, came.event.kind, came.event.source) == (first, "arrived", "gate")
    again = _sight(session, mai, _at(6, 21), "cổng-2:in")  # another gate camera: nothing new
    assert not again.created and again.event.id == came.event.id
    same = _sight(session, mai, _at(6, 20), "cổng-1:in")  # the outbox again
    assert not same.created and same.event.id == came.event.id

    left = _sight(session, mai, _at(16, 5), "cổng-1:out")
    assert left.created and left.direction == "out"
    # The last session of the day she arrived at: only the first one has her arrival.
    assert (left.event.meeting_id, left.event.kind, left.event.source) == (first, LEFT, "gate")
    twice = _sight(session, mai, _at(16, 6), "cổng-2:out")
    assert not twice.created and twice.event.id == left.event.id


def test_a_late_arrival_goes_on_the_first_session_not_yet_ended(session: Session) -> None:
    mai = _person(session, "Lê Thị Mai")
    cls = _class(session, "10A1", SCHOOL, [mai])
    _lesson(session, cls, time(7, 0), time(7, 45))
    second = _lesson(session, cls, time(7, 50), time(8, 35))
    came = _sight(session, mai, _at(7, 58), "k:in")
    assert came.event.meeting_id == second


def test_another_schools_student_and_nothing_to_record_are_refused(session: Session) -> None:
    mai, hoa = _person(session, "Lê Thị Mai"), _person(session, "Vũ Hoa")
    _lesson(session, _class(session, "10A1", SCHOOL, [mai]), time(7), time(7, 45))
    _lesson(session, _class(session, "6A", "THCS Gia Thụy", [hoa]), time(7), time(7, 45))
    with pytest.raises(DomainError) as other:
        _sight(session, hoa, _at(6, 30), "k:hoa")
    assert other.value.code == "GATE_NOT_STUDENT"
    with pytest.raises(DomainError) as never_came:
        _sight(session, mai, _at(16), "k:out")  # leaving, never checked in
    assert never_came.value.code == "GATE_NOTHING_TO_RECORD"
    with pytest.raises(DomainError) as over:
        _sight(session, mai, _at(10, 30), "k:late")  # morning, every session over
    assert over.value.code == "GATE_NOTHING_TO_RECORD"
    with pytest.raises(DomainError) as stale:  # an outbox delivering two days late
        record_gate_sighting(
            session,
            school=SCHOOL,
            person_id=mai,
            at=_at(6, 30),
            now=_at(6, 30) + timedelta(days=2),
            zone=ZONE,
            checkout_after=NOON,
            idempotency_key="k:stale",
            by="cổng-1",
        )
    assert stale.value.code == "OUTSIDE_CHECKIN_WINDOW"


def test_an_afternoon_shift_student_is_checked_in_after_midday_and_out_later(
    session: Session,
) -> None:
    """Ca chiều (attack 12b): a first lesson at 13:00, at the gate at 12:45, past the
    school's midday: in, since she has not arrived yet; out at 17:05."""
    lan = _person(session, "Phạm Ngọc Lan")
    lesson = _lesson(session, _class(session, "6A9", SCHOOL, [lan]), time(13), time(17))
    came = _sight(session, lan, _at(12, 45), "cổng-1:out")  # the kiosk's key says "out"
    assert came.created and came.direction == "in"
    assert (came.event.meeting_id, came.event.kind) == (lesson, "arrived")
    left = _sight(session, lan, _at(17, 5), "cổng-1:out-2")
    assert left.created and left.direction == "out" and left.event.meeting_id == lesson


def test_a_repeat_before_midday_of_a_student_in_already_records_nothing(
    session: Session,
) -> None:
    mai = _person(session, "Lê Thị Mai")
    cls = _class(session, "10A1", SCHOOL, [mai])
    _lesson(session, cls, time(7), time(7, 45))
    _lesson(session, cls, time(8), time(10, 45))
    came = _sight(session, mai, _at(6, 50), "cổng-1:in")
    again = _sight(session, mai, _at(9, 30), "cổng-1:in-2")  # out to the street and back
    assert not again.created and again.direction == "in" and again.event.id == came.event.id
