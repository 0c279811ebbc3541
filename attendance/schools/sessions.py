"""A class's sessions (lessons): each is a meeting whose roster is the class, whose staff are
its teachers, whose late mark is the school's rule. The times are the school's local clock."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.consent_tables import MEETINGS, SCHOOL_ATTENDANCE
from attendance.errors import Invalid
from attendance.meetings import create_meeting, set_participants
from attendance.orm import MAX_ID, Meeting
from attendance.schools.classes import assign_teachers, get_class, student_ids, teacher_ids
from attendance.schools.tables import ClassSession, SchoolRules
from attendance.text import clean_text

logger = logging.getLogger(__name__)

DEFAULT_LATE = 5  # minutes after the start: late
DEFAULT_ABSENT = 15  # minutes after the start, not checked in: absent


@dataclass(frozen=True)
class Rules:
    late_after_minutes: int
    absent_after_minutes: int


def rules_for(session: Session, *, school: str) -> Rules:
    row = session.get(SchoolRules, school)
    if row is None:
        return Rules(DEFAULT_LATE, DEFAULT_ABSENT)
    return Rules(row.late_after_minutes, row.absent_after_minutes)


def local_instant(day: date, at: time, zone: str) -> datetime:
    """The school's wall-clock `at` on `day`, as an aware datetime."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


def create_session(
    session: Session,
    *,
    class_id: int,
    day: date,
    start: time,
    end: time,
    zone: str,
    period: int | None = None,
    subject: str | None = None,
    room: str | None = None,
) -> ClassSession:
    """One lesson of the class: a meeting with the class's students as its roster (none of them
    votes) and its teachers assigned; flushed, not committed."""
    cls = get_class(session, class_id=class_id)
    if end <= start:
        raise Invalid(
            "Giờ kết thúc phải sau giờ bắt đầu. The end must be after the start.",
            code="SESSION_TIMES",
        )
    subject = clean_text(subject, field="subject") or None if subject else None
    room = clean_text(room, field="room") or None if room else None
    rules = rules_for(session, school=cls.school)
    title = cls.name if not subject else f"{cls.name} · {subject}"
    if period is not None:
        title += f" · tiết {period}"
    meeting = create_meeting(
        session,
        title=title,
        starts_at=local_instant(day, start, zone),
        ends_at=local_instant(day, end, zone),
        room=room,
        late_after_minutes=rules.late_after_minutes,
    )
    row = ClassSession(
        meeting_id=meeting.id, class_id=class_id, day=day, period=period, subject=subject
    )
    session.add(row)
    students = student_ids(session, class_id=class_id)
    set_participants(session, meeting_id=meeting.id, person_ids=students, non_voting_ids=students)
    assign_teachers(
        session, meeting_id=meeting.id, account_ids=teacher_ids(session, class_id=class_id)
    )
    session.flush()
    return row


def class_session(session: Session, *, meeting_id: int) -> ClassSession | None:
    """The session a meeting is, or None for a meeting that is not a lesson (or no meeting)."""
    if not 0 < meeting_id <= MAX_ID:
        return None  # beyond the database's integers: no such meeting, not an overflow
    return session.get(ClassSession, meeting_id)


def meeting_purpose(session: Session, *, meeting_id: int) -> str:
    """What a face is searched for in this meeting: school attendance for a lesson, meetings
    otherwise (the consent purposes of attendance.consent_tables)."""
    return SCHOOL_ATTENDANCE if class_session(session, meeting_id=meeting_id) else MEETINGS


def sessions_of_class(
    session: Session, *, class_id: int, start: date | None = None, end: date | None = None
) -> list[tuple[ClassSession, Meeting]]:
    """The class's sessions (with their meetings) between `start` and `end` inclusive, in time
    order."""
    query = (
        select(ClassSession, Meeting)
        .join(Meeting, Meeting.id == ClassSession.meeting_id)
        .where(ClassSession.class_id == class_id)
    )
    if start is not None:
        query = query.where(ClassSession.day >= start)
    if end is not None:
        query = query.where(ClassSession.day <= end)
    return [(s, m) for s, m in session.execute(query.order_by(Meeting.starts_at, Meeting.id))]


def sessions_on(session: Session, *, day: date) -> list[tuple[ClassSession, Meeting]]:
    """Every class's sessions on `day` (a gate kiosk's day), in time order."""
    query = (
        select(ClassSession, Meeting)
        .join(Meeting, Meeting.id == ClassSession.meeting_id)
        .where(ClassSession.day == day)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [(s, m) for s, m in session.execute(query)]


def cutoff(meeting: Meeting, rules: Rules) -> datetime:
    """When a student not checked in is absent."""
    return meeting.starts_at + timedelta(minutes=rules.absent_after_minutes)


def entered_late(meeting: Meeting, rules: Rules) -> bool:
    """A session created after its own cut-off (a timetable entered after the fact): nobody is
    ever absent from it by the clock, only present or late when checked in by hand."""
    return meeting.created_at >= cutoff(meeting, rules)
