"""The live board's figures: expected, present now, late, absent (or not arrived yet), left,
the latest arrivals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.checkin import AttendanceRow, Status, has_started, meeting_attendance
from attendance.meetings import get_meeting
from attendance.orm import AttendanceEvent, Meeting, Participant, Person, utcnow
from attendance.presence import ARRIVED

LATEST = 8


@dataclass(frozen=True)
class Arrival:
    full_name: str
    title: str | None
    unit: str | None
    at: datetime
    late: bool
    left: bool = False  # checked out since


@dataclass(frozen=True)
class BoardSnapshot:
    meeting: Meeting
    # The room as it is now: expected == present + left + absent + not_arrived, and late is
    # part of present.
    expected: int
    present: int  # arrived (late or not) and not checked out
    late: int  # arrived late and still here
    absent: int  # not arrived, the meeting under way
    left: int  # arrived, then checked out
    latest: list[Arrival]
    not_arrived: int = 0  # not arrived, the meeting not started yet: nobody is absent then
    started: bool = True


def board_version(session: Session, *, meeting_id: int) -> tuple[object, ...]:
    """Changes whenever the board would; cheap to poll.

    Two index-backed aggregates (events, roster), the names of the few people the board
    lists, and the meeting's own row: a check-in, a check-out, a roster change, or an edit
    of a shown name or of the meeting each change it.
    """
    events = session.execute(
        select(func.max(AttendanceEvent.id), func.count()).where(
            AttendanceEvent.meeting_id == meeting_id
        )
    ).one()
    roster = session.execute(
        select(func.count(), func.sum(Participant.person_id)).where(
            Participant.meeting_id == meeting_id
        )
    ).one()
    # Names show only in the latest arrivals: those few rows are all an edit can change.
    shown = tuple(
        tuple(row)
        for row in session.execute(
            select(Person.id, Person.full_name, Person.title, Person.unit)
            .join(AttendanceEvent, AttendanceEvent.person_id == Person.id)
            .join(
                Participant,
                (Participant.person_id == Person.id) & (Participant.meeting_id == meeting_id),
            )
            .where(AttendanceEvent.meeting_id == meeting_id, AttendanceEvent.kind == ARRIVED)
            .order_by(AttendanceEvent.at.desc(), AttendanceEvent.id.desc())
            .limit(LATEST)
        )
    )
    meeting = session.get(Meeting, meeting_id)
    details = (
        None
        if meeting is None
        else (
            meeting.title,
            meeting.room,
            meeting.starts_at,
            meeting.ends_at,
            meeting.late_after_minutes,
        )
    )
    # The start passing turns everyone not arrived from "not arrived yet" into absent.
    started = meeting is not None and has_started(meeting)
    return (*events, *roster, shown, details, started)


def board_snapshot(session: Session, *, meeting_id: int, latest: int = LATEST) -> BoardSnapshot:
    meeting = get_meeting(session, meeting_id=meeting_id)
    now = utcnow()
    rows = meeting_attendance(session, meeting_id=meeting_id, now=now)
    arrived = [r for r in rows if r.first_seen_at is not None]
    arrived.sort(key=lambda r: r.first_seen_at or meeting.starts_at, reverse=True)
    counts = count_statuses(rows)
    return BoardSnapshot(
        meeting=meeting,
        expected=counts.expected,
        present=counts.here,
        late=counts.late_here,
        absent=counts.absent,
        left=counts.left,
        not_arrived=counts.not_arrived,
        started=has_started(meeting, now=now),
        latest=[
            Arrival(
                full_name=r.person.full_name,
                title=r.person.title,
                unit=r.person.unit,
                at=r.first_seen_at,
                late=r.status is Status.LATE,
                left=r.left_at is not None,
            )
            for r in arrived[:latest]
            if r.first_seen_at is not None
        ],
    )


@dataclass(frozen=True)
class Counts:
    expected: int
    present: int  # arrived, late or not, whether still here or not
    late: int  # arrived late
    absent: int  # not arrived, the meeting under way
    left: int = 0  # arrived, then checked out
    here: int = 0  # arrived and not checked out: present now
    late_here: int = 0  # arrived late and still here
    not_arrived: int = 0  # not arrived before the start: not absent (yet)


def count_statuses(rows: list[AttendanceRow]) -> Counts:
    """Present counts everyone who arrived (late or not); late is the part of them. Those who
    left are counted apart too, so the page and the board can say who is here now."""
    late = sum(1 for r in rows if r.status is Status.LATE)
    absent = sum(1 for r in rows if r.status is Status.ABSENT)
    not_arrived = sum(1 for r in rows if r.status is Status.NOT_ARRIVED)
    arrived = [r for r in rows if r.first_seen_at is not None]
    here = [r for r in arrived if r.left_at is None]
    return Counts(
        expected=len(rows),
        present=len(arrived),
        late=late,
        absent=absent,
        not_arrived=not_arrived,
        left=len(arrived) - len(here),
        here=len(here),
        late_here=sum(1 for r in here if r.status is Status.LATE),
    )
