"""The absent cut-off: each roster student with no arrival is marked once per session (excused
when an excused absence covers the day), `absent` is published for the others, and neither a
second run nor two runs at once on one SQLite file marks anyone twice."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from attendance.checkin import check_in
from attendance.checkin_window import CheckinRules
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.orm import AuditEntry, Person
from attendance.outbound import OutboundEvent
from attendance.schools import classes, sessions
from attendance.schools.cutoff import run_cutoff
from attendance.schools.excused import add_excused, remove_excused
from attendance.schools.tables import AbsenceMark, ClassSession

ZONE = "Asia/Ho_Chi_Minh"
DAY = date(2030, 1, 7)
START = datetime(2030, 1, 7, 0, 30, tzinfo=timezone.utc)  # 07:30 in Hà Nội
AFTER_CUTOFF = START + timedelta(minutes=16)  # the default absent rule: 15 minutes


@dataclass
class Lesson:
    factory: sessionmaker[Session]
    meeting_id: int
    kids: list[int]


@pytest.fixture
def lesson(database_url: str) -> Iterator[Lesson]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        cls = classes.create_class(session, name="6A", school="THCS Ngọc Lâm", school_year="2029")
        people = [Person(full_name=f"Học sinh {i}", search_name=f"hoc sinh {i}") for i in range(4)]
        session.add_all(people)
        session.flush()
        kids = [p.id for p in people]
        classes.set_students(session, class_id=cls.id, person_ids=kids, now=START - timedelta(1))
        row = sessions.create_session(
            session, class_id=cls.id, day=DAY, start=time(7, 30), end=time(8, 15), zone=ZONE
        )
        meeting_id = row.meeting_id
        # kids[0] came on time; kids[1] is excused that day; kids[2] and kids[3] did not come.
        check_in(
            session,
            meeting_id=meeting_id,
            person_id=kids[0],
            source="kiosk",
            idempotency_key="k0",
            at=START + timedelta(minutes=1),
            now=START + timedelta(minutes=1),
            rules=CheckinRules(),
            zone=ZONE,
        )
        add_excused(
            session, person_id=kids[1], starts_on=DAY, ends_on=DAY, reason="Ốm", actor="office"
        )
    yield Lesson(factory, meeting_id, kids)
    engine.dispose()


def _marks(factory: sessionmaker[Session]) -> dict[int, bool]:
    with factory() as session:
        return {m.person_id: m.excused for m in session.scalars(select(AbsenceMark))}


def _events(factory: sessionmaker[Session]) -> list[dict[str, object]]:
    """The `absent` events published (arrivals publish their own, not counted here)."""
    with factory() as session:
        query = select(OutboundEvent).where(OutboundEvent.event == "absent")
        return [
            {"event": e.event, **json.loads(e.data)}
            for e in session.scalars(query.order_by(OutboundEvent.seq))
        ]


def test_the_cutoff_marks_the_absent_once_and_the_excused_as_excused(lesson: Lesson) -> None:
    assert run_cutoff(lesson.factory, now=START + timedelta(minutes=14)) == 0
    assert _marks(lesson.factory) == {}
    assert run_cutoff(lesson.factory, now=AFTER_CUTOFF) == 1
    kids = lesson.kids
    assert _marks(lesson.factory) == {kids[1]: True, kids[2]: False, kids[3]: False}
    events = _events(lesson.factory)
    assert [(e["event"], e["person"]["id"]) for e in events] == [  # type: ignore[index]
        ("absent", kids[2]),
        ("absent", kids[3]),
    ]
    assert events[0]["source"] == "cutoff"
    assert events[0]["at"] == (START + timedelta(minutes=15)).isoformat()
    # Run again, later: nothing more.
    assert run_cutoff(lesson.factory, now=AFTER_CUTOFF + timedelta(hours=1)) == 0
    assert len(_events(lesson.factory)) == 2
    with lesson.factory() as session:
        marked = session.get(ClassSession, lesson.meeting_id)
        assert marked is not None and marked.absent_marked_at is not None
        audits = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "absent_marked")
        )
        assert audits == 1


def test_two_runs_at_once_on_one_file_mark_once(lesson: Lesson) -> None:
    barrier = threading.Barrier(4)
    results: list[int] = []

    def run() -> None:
        barrier.wait()
        results.append(run_cutoff(lesson.factory, now=AFTER_CUTOFF))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == [0, 0, 0, 1]
    assert len(_marks(lesson.factory)) == 3
    assert len(_events(lesson.factory)) == 2


def test_a_late_arrival_after_the_cutoff_clears_the_mark(lesson: Lesson) -> None:
    run_cutoff(lesson.factory, now=AFTER_CUTOFF)
    late = lesson.kids[2]
    with unit_of_work(lesson.factory) as session:
        check_in(
            session,
            meeting_id=lesson.meeting_id,
            person_id=late,
            source="kiosk",
            idempotency_key="late",
            at=AFTER_CUTOFF + timedelta(minutes=2),
            now=AFTER_CUTOFF + timedelta(minutes=2),
            zone=ZONE,
        )
    assert late not in _marks(lesson.factory)
    assert lesson.kids[3] in _marks(lesson.factory)


def test_sessions_older_than_a_week_are_not_marked_on_start(lesson: Lesson) -> None:
    assert run_cutoff(lesson.factory, now=START + timedelta(days=8)) == 0
    assert _marks(lesson.factory) == {}
    assert run_cutoff(lesson.factory, now=START + timedelta(days=6)) == 1


def test_an_excused_absence_registered_after_the_cutoff_excuses_the_mark(lesson: Lesson) -> None:
    run_cutoff(lesson.factory, now=AFTER_CUTOFF)
    kid = lesson.kids[2]
    with unit_of_work(lesson.factory) as session:
        row = add_excused(
            session, person_id=kid, starts_on=DAY, ends_on=DAY, reason="Mẹ gọi", actor="office"
        )
        excused_id = row.id
    assert _marks(lesson.factory)[kid] is True
    with unit_of_work(lesson.factory) as session:
        remove_excused(session, person_id=kid, excused_id=excused_id, actor="office")
    assert _marks(lesson.factory)[kid] is False
    assert _marks(lesson.factory)[lesson.kids[1]] is True  # registered ahead: untouched
