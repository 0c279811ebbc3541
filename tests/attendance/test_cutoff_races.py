"""The absent cut-off racing the students' arrivals (SQLite and, where given, PostgreSQL): a
student who checks in at the very moment of the cut-off ends with an arrival and no absence
mark, whichever transaction commits first, and no student is absent without a mark.

On this run's backend: SQLite, or PostgreSQL with ATTEND_TEST_BACKEND=postgresql (CI runs both).
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from attendance.checkin import check_in
from attendance.db import make_session_factory, unit_of_work
from attendance.orm import AttendanceEvent, Person
from attendance.presence import ARRIVED
from attendance.schools import classes, sessions
from attendance.schools.cutoff import mark_session
from attendance.schools.tables import AbsenceMark

ZONE = "Asia/Ho_Chi_Minh"
DAY = date(2030, 1, 7)
START = datetime(2030, 1, 7, 0, 30, tzinfo=timezone.utc)  # 07:30 in Hà Nội
AT_CUTOFF = START + timedelta(minutes=15, seconds=30)  # the default absent rule: 15 minutes
STUDENTS = 16
TRIALS = 4


def test_an_arrival_at_the_cutoff_is_never_also_an_absence(engine: Engine) -> None:
    factory = make_session_factory(engine)
    for trial in range(TRIALS):
        race(factory, trial)


def race(factory: sessionmaker[Session], trial: int) -> None:
    """A class, its session, and the cut-off released together with most students' check-ins."""
    with unit_of_work(factory) as session:
        cls = classes.create_class(
            session, name=f"6A{trial}", school="THCS Ngọc Lâm", school_year="2029"
        )
        people = [
            Person(full_name=f"Học sinh {trial}-{i}", search_name=f"hoc sinh {trial}-{i}")
            for i in range(STUDENTS)
        ]
        session.add_all(people)
        session.flush()
        kids = [p.id for p in people]
        classes.set_students(
            session, class_id=cls.id, person_ids=kids, now=START - timedelta(days=1)
        )
        meeting_id = sessions.create_session(
            session, class_id=cls.id, day=DAY, start=time(7, 30), end=time(8, 15), zone=ZONE
        ).meeting_id
    comers = kids[: STUDENTS - 2]  # the last two never come
    barrier = threading.Barrier(len(comers) + 1)
    failures: list[BaseException] = []

    def cut() -> None:
        try:
            barrier.wait()
            with unit_of_work(factory) as session:
                mark_session(session, meeting_id=meeting_id, now=AT_CUTOFF)
        except BaseException as error:
            failures.append(error)

    def arrive(person_id: int) -> None:
        try:
            barrier.wait()
            with unit_of_work(factory) as session:
                check_in(
                    session,
                    meeting_id=meeting_id,
                    person_id=person_id,
                    source="kiosk",
                    idempotency_key=f"race-{meeting_id}-{person_id}",
                    at=AT_CUTOFF,
                    now=AT_CUTOFF,
                    zone=ZONE,
                )
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=cut)]
    threads += [threading.Thread(target=arrive, args=(p,)) for p in comers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    with factory() as session:
        arrived = set(
            session.scalars(
                select(AttendanceEvent.person_id).where(
                    AttendanceEvent.meeting_id == meeting_id, AttendanceEvent.kind == ARRIVED
                )
            )
        )
        marked = set(
            session.scalars(
                select(AbsenceMark.person_id).where(AbsenceMark.meeting_id == meeting_id)
            )
        )
    assert arrived == set(comers)
    assert arrived & marked == set(), f"trial {trial}: arrived and marked absent"
    assert marked == set(kids[STUDENTS - 2 :])
