"""The live board's figures: expected, present, late, absent, and the latest arrivals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.checkin import AttendanceRow, Status, meeting_attendance
from attendance.meetings import get_meeting
from attendance.orm import AttendanceEvent, Meeting, Participant

LATEST = 8


@dataclass(frozen=True)
class Arrival:
    full_name: str
    title: str | None
    unit: str | None
    at: datetime
    late: bool


@dataclass(frozen=True)
class BoardSnapshot:
    meeting: Meeting
    expected: int
    present: int  # everyone who has arrived, late or not
    late: int
    absent: int
    left: int  # arrived, then checked out
    latest: list[Arrival]


def board_version(session: Session, *, meeting_id: int) -> tuple[object, ...]:
    """Changes whenever the board would: two index-backed aggregates, cheap to poll."""
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
    meeting = session.get(Meeting, meeting_id)
    details = (
        None if meeting is None else (meeting.title, meeting.starts_at, meeting.late_after_minutes)
    )
    return (*events, *roster, details)


def board_snapshot(session: Session, *, meeting_id: int, latest: int = LATEST) -> BoardSnapshot:
    meeting = get_meeting(session, meeting_id=meeting_id)
    rows = meeting_attendance(session, meeting_id=meeting_id)
    arrived = [r for r in rows if r.first_seen_at is not None]
    arrived.sort(key=lambda r: r.first_seen_at or meeting.starts_at, reverse=True)
    counts = count_statuses(rows)
    return BoardSnapshot(
        meeting=meeting,
        expected=counts.expected,
        present=counts.present,
        late=counts.late,
        absent=counts.absent,
        left=sum(1 for r in rows if r.left_at is not None),
        latest=[
            Arrival(
                full_name=r.person.full_name,
                title=r.person.title,
                unit=r.person.unit,
                at=r.first_seen_at,
                late=r.status is Status.LATE,
            )
            for r in arrived[:latest]
            if r.first_seen_at is not None
        ],
    )


@dataclass(frozen=True)
class Counts:
    expected: int
    present: int
    late: int
    absent: int


def count_statuses(rows: list[AttendanceRow]) -> Counts:
    """Present counts everyone who arrived (late or not); late is the part of them."""
    late = sum(1 for r in rows if r.status is Status.LATE)
    absent = sum(1 for r in rows if r.status is Status.ABSENT)
    return Counts(expected=len(rows), present=len(rows) - absent, late=late, absent=absent)
