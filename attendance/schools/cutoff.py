"""The absent cut-off: once a session's cut-off (start + the school's absent minutes) has
passed, every roster student with no arrival is marked absent (excused when an excused absence
covers the day) and `absent` is published for the others, in one transaction per session.
A session created after its own cut-off (a timetable entered after the fact) is claimed with
no marks and no events: parents are never told of absences nobody recorded.

Never twice: the session is claimed by a conditional UPDATE (`absent_marked_at IS NULL`,
one row) in that transaction, so a second worker, a second thread or a restart half-way
finds it claimed or finds nothing written; the primary key of absence_marks is the last guard.
A student who arrives after the cut-off is late, not absent: `clear_absence` removes the mark
when the arrival is recorded (attendance/checkin.py). A check-in at the very moment of the
cut-off takes turns with it on the student's roster row (see mark_session), so on PostgreSQL
too a student ends with an arrival and no mark."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker

from attendance import audit
from attendance.db import unit_of_work
from attendance.orm import AttendanceEvent, Meeting, Participant, utcnow
from attendance.outbound import ABSENT
from attendance.outbound_data import publish_person_event
from attendance.presence import ARRIVED
from attendance.schools.excused import is_excused
from attendance.schools.sessions import cutoff, entered_late, rules_for
from attendance.schools.tables import AbsenceMark, ClassSession, SchoolClass

logger = logging.getLogger(__name__)

# Sessions whose cut-off passed while the server was down are marked on start, but only
# those of the last week: a server restored from an old backup, or upgraded with a year of
# lessons already in it, must not send parents a flood of stale "absent" messages.
CATCH_UP = timedelta(days=7)
CUTOFF_SOURCE = "cutoff"


def due_sessions(session: Session, *, now: datetime) -> list[int]:
    """Sessions not yet marked whose cut-off has passed (and started within CATCH_UP)."""
    rows = session.execute(
        select(ClassSession.meeting_id, Meeting, SchoolClass.school)
        .join(Meeting, Meeting.id == ClassSession.meeting_id)
        .join(SchoolClass, SchoolClass.id == ClassSession.class_id)
        .where(
            ClassSession.absent_marked_at.is_(None),
            Meeting.starts_at <= now,
            Meeting.starts_at >= now - CATCH_UP,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    rules = {school: rules_for(session, school=school) for _, _, school in rows}
    return [mid for mid, meeting, school in rows if cutoff(meeting, rules[school]) <= now]


def mark_session(session: Session, *, meeting_id: int, now: datetime) -> int | None:
    """Claim the session and mark its absent students; flushed, not committed. None when
    another run claimed it first; else how many were marked."""
    claimed: CursorResult[object] = session.execute(  # type: ignore[assignment]
        update(ClassSession)
        .where(ClassSession.meeting_id == meeting_id, ClassSession.absent_marked_at.is_(None))
        .values(absent_marked_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    lesson = session.get(ClassSession, meeting_id)
    meeting = session.get(Meeting, meeting_id)
    assert lesson is not None and meeting is not None
    cls = session.get(SchoolClass, lesson.class_id)
    rules = rules_for(session, school=cls.school if cls else "")
    at = cutoff(meeting, rules)
    if entered_late(meeting, rules):
        # Entered after the fact: claimed (never looked at again), nobody marked, no event.
        logger.info("session %s: created after its cut-off, nobody marked absent", meeting_id)
        return 0
    # The roster rows are held (PostgreSQL: FOR UPDATE, in one order) before the arrivals are
    # read: a check-in holds its student's row (FOR SHARE, attendance.meetings
    # require_on_roster) between writing the arrival and clearing a mark, so the two take
    # turns. Check-in first: this read sees its arrival. Cut-off first: the check-in, once
    # let through, finds the mark and clears it. Never an arrival and a mark both (SQLite:
    # the claim above already holds the database's one write lock).
    roster = session.scalars(
        select(Participant.person_id)
        .where(Participant.meeting_id == meeting_id)
        .order_by(Participant.person_id)
        .with_for_update()
    ).all()
    arrived = set(
        session.scalars(
            select(AttendanceEvent.person_id).where(
                AttendanceEvent.meeting_id == meeting_id, AttendanceEvent.kind == ARRIVED
            )
        )
    )
    already = set(
        session.scalars(select(AbsenceMark.person_id).where(AbsenceMark.meeting_id == meeting_id))
    )
    absent, excused = [], []
    for person_id in sorted(set(roster) - arrived - already):
        if is_excused(session, person_id=person_id, day=lesson.day):
            excused.append(person_id)
        else:
            absent.append(person_id)
    session.add_all(
        AbsenceMark(meeting_id=meeting_id, person_id=p, excused=p in excused, marked_at=now)
        for p in sorted(absent + excused)
    )
    session.flush()
    for person_id in absent:
        publish_person_event(
            session,
            event=ABSENT,
            meeting_id=meeting_id,
            person_id=person_id,
            at=at,
            source=CUTOFF_SOURCE,
        )
    audit.record(
        session,
        actor=CUTOFF_SOURCE,
        action="absent_marked",
        meeting_id=meeting_id,
        subject=f"meeting:{meeting_id}",
        detail={"absent": absent, "excused": excused, "cutoff": at.isoformat()},
    )
    logger.info(
        "session %s: %d absent, %d excused at the cut-off", meeting_id, len(absent), len(excused)
    )
    return len(absent) + len(excused)


def run_cutoff(sessions: sessionmaker[Session], *, now: datetime | None = None) -> int:
    """Mark every due session, each in its own transaction; how many sessions were marked."""
    moment = now or utcnow()
    with sessions() as session:
        due = due_sessions(session, now=moment)
    marked = 0
    for meeting_id in due:
        with unit_of_work(sessions) as session:
            if mark_session(session, meeting_id=meeting_id, now=moment) is not None:
                marked += 1
    return marked


def cutoff_job(sessions: sessionmaker[Session]) -> Callable[[], int]:
    """What the server's scheduler runs (api/app.py)."""
    return lambda: run_cutoff(sessions)


# Built once: every check-in runs it.
_CLEAR_MARK = (
    delete(AbsenceMark)
    .where(
        AbsenceMark.meeting_id == bindparam("meeting_id"),
        AbsenceMark.person_id == bindparam("person_id"),
    )
    .execution_options(synchronize_session=False)
)


def clear_absence(session: Session, *, meeting_id: int, person_id: int) -> bool:
    """A student who arrives after the cut-off is late, not absent: their mark goes (the
    `absent` already published stays published; the arrival's own event follows it)."""
    gone: CursorResult[object] = session.execute(  # type: ignore[assignment]
        _CLEAR_MARK, {"meeting_id": meeting_id, "person_id": person_id}
    )
    if gone.rowcount:
        logger.info("session %s: an absence mark cleared by a later arrival", meeting_id)
    return bool(gone.rowcount)
