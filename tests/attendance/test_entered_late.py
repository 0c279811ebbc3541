"""A timetable entered after the fact: a session created after its own cut-off is claimed by the
cut-off job with no marks and no `absent` events, and the report marks leave its cells blank
unless a student is checked in by hand (then present or late as usual). A student the job
handled without a mark is not absent by the clock either."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from attendance.checkin import check_in
from attendance.checkin_window import CheckinRules
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.orm import Meeting, Participant, Person
from attendance.outbound import OutboundEvent
from attendance.schools import classes, sessions
from attendance.schools.cutoff import run_cutoff
from attendance.schools.marks import Mark, session_marks
from attendance.schools.tables import AbsenceMark, ClassSession
from attendance.schools.timetable import Slot, add_pattern

ZONE = "Asia/Ho_Chi_Minh"
DAY = date(2030, 1, 7)
START = datetime(2030, 1, 7, 0, 30, tzinfo=timezone.utc)  # 07:30 in Hà Nội
AFTER_CUTOFF = START + timedelta(minutes=16)


@dataclass
class School:
    factory: sessionmaker[Session]
    class_id: int
    kids: list[int]


@pytest.fixture
def school(database_url: str) -> Iterator[School]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        cls = classes.create_class(session, name="6A", school="THCS Ngọc Lâm", school_year="2029")
        people = [Person(full_name=f"Học sinh {i}", search_name=f"hoc sinh {i}") for i in range(3)]
        session.add_all(people)
        session.flush()
        kids = [p.id for p in people]
        classes.set_students(session, class_id=cls.id, person_ids=kids, now=START - timedelta(1))
        class_id = cls.id
    yield School(factory, class_id, kids)
    engine.dispose()


def _lesson(school: School, *, created_at: datetime) -> int:
    with unit_of_work(school.factory) as session:
        row = sessions.create_session(
            session,
            class_id=school.class_id,
            day=DAY,
            start=time(7, 30),
            end=time(8, 15),
            zone=ZONE,
        )
        meeting = session.get(Meeting, row.meeting_id)
        assert meeting is not None
        meeting.created_at = created_at
        return row.meeting_id


def _marks(school: School, meeting_id: int) -> dict[int, Mark | None]:
    with school.factory() as session:
        lesson = session.get(ClassSession, meeting_id)
        meeting = session.get(Meeting, meeting_id)
        assert lesson is not None and meeting is not None
        found = session_marks(session, lessons=[(lesson, meeting)], now=AFTER_CUTOFF + timedelta(1))
        return {m.person_id: m.mark for m in found}


def _count(school: School, table: type[AbsenceMark] | type[OutboundEvent]) -> int:
    """Absence marks, or `absent` events (an arrival by hand publishes its own event)."""
    query = select(func.count()).select_from(table)
    if table is OutboundEvent:
        query = query.where(OutboundEvent.event == "absent")
    with school.factory() as session:
        return session.scalar(query) or 0


def test_a_lesson_entered_after_its_cutoff_is_never_marked_absent(school: School) -> None:
    meeting_id = _lesson(school, created_at=AFTER_CUTOFF + timedelta(days=2))
    # Before the job: the reports do not count anyone absent by the clock.
    assert set(_marks(school, meeting_id).values()) == {None}
    with unit_of_work(school.factory) as session:  # a teacher checks one student in by hand
        check_in(
            session,
            meeting_id=meeting_id,
            person_id=school.kids[0],
            source="manual",
            idempotency_key="hand",
            at=START + timedelta(minutes=10),
            now=AFTER_CUTOFF + timedelta(days=2),
            rules=CheckinRules(),
            zone=ZONE,
        )
    assert run_cutoff(school.factory, now=AFTER_CUTOFF + timedelta(days=3)) == 1
    assert _count(school, AbsenceMark) == 0 and _count(school, OutboundEvent) == 0
    with school.factory() as session:
        lesson = session.get(ClassSession, meeting_id)
        assert lesson is not None and lesson.absent_marked_at is not None  # not looked at again
    marks = _marks(school, meeting_id)
    assert marks == {school.kids[0]: Mark.LATE, school.kids[1]: None, school.kids[2]: None}
    assert run_cutoff(school.factory, now=AFTER_CUTOFF + timedelta(days=4)) == 0


def test_a_lesson_entered_in_time_is_still_marked(school: School) -> None:
    meeting_id = _lesson(school, created_at=START - timedelta(days=1))
    assert set(_marks(school, meeting_id).values()) == {Mark.UNEXCUSED}
    assert run_cutoff(school.factory, now=AFTER_CUTOFF) == 1
    assert _count(school, AbsenceMark) == 3 and _count(school, OutboundEvent) == 3


def test_a_student_the_job_left_unmarked_is_not_absent_by_the_clock(school: School) -> None:
    meeting_id = _lesson(school, created_at=START - timedelta(days=1))
    assert run_cutoff(school.factory, now=AFTER_CUTOFF) == 1
    with unit_of_work(school.factory) as session:  # joined the roster after the job ran
        newcomer = Person(full_name="Học sinh mới", search_name="hoc sinh moi")
        session.add(newcomer)
        session.flush()
        session.add(Participant(meeting_id=meeting_id, person_id=newcomer.id, voting_rights=False))
        new_id = newcomer.id
    marks = _marks(school, meeting_id)
    assert marks[new_id] is None and marks[school.kids[1]] == Mark.UNEXCUSED


def test_a_pattern_says_how_many_sessions_were_already_past(school: School) -> None:
    slot = Slot(weekday=1, start=time(7, 30), end=time(8, 15), period=1)
    with unit_of_work(school.factory) as session:
        result = add_pattern(
            session,
            class_id=school.class_id,
            starts_on=date(2020, 1, 6),  # Mondays 6 and 13 Jan 2020: long past
            ends_on=date(2020, 1, 13),
            weekly=[slot],
            zone=ZONE,
        )
        assert len(result.created) == 2 and result.past == result.created
        future = add_pattern(
            session,
            class_id=school.class_id,
            starts_on=DAY,
            ends_on=DAY,
            weekly=[slot],
            zone=ZONE,
        )
        assert len(future.created) == 1 and future.past == []
