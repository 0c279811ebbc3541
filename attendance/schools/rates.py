"""A student's attendance history (every session, with its mark, and totals) and the rates
of a school's classes for a month. Marks come from attendance.schools.marks, so the monthly
report, the history and the rates always agree."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.errors import Invalid, NotFound
from attendance.orm import Meeting, Participant
from attendance.people import get_person
from attendance.permissions import Principal, is_scoped
from attendance.schools.classes import classes_taught_by, list_classes
from attendance.schools.marks import SessionMark, Totals, session_marks, totals_of
from attendance.schools.report import month_end
from attendance.schools.sessions import sessions_of_class
from attendance.schools.tables import ClassSession, ClassStudent, SchoolClass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class History:
    person_id: int
    full_name: str
    start: date | None
    end: date | None
    sessions: tuple[tuple[SessionMark, str], ...]  # each mark with its class's name
    totals: Totals


def parse_day(value: str | None, *, field: str) -> date | None:
    """An ISO date ('2026-12-01') or nothing; anything else is refused with an example."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(
            f"Ngày {field}={value!r} không hợp lệ; ghi theo dạng NNNN-TT-NN, ví dụ 2026-12-01. "
            f"Date {field}={value!r} is not valid; write it as YYYY-MM-DD, e.g. 2026-12-01.",
            code="INVALID_DATE",
        ) from None


def student_history(
    session: Session,
    *,
    person_id: int,
    start: date | None = None,
    end: date | None = None,
    only_classes: set[int] | None = None,
    now: datetime | None = None,
) -> History:
    """Every session the student was on the roster of between `start` and `end` (inclusive),
    in time order; `only_classes`: those classes' sessions alone (a teacher's)."""
    person = get_person(session, person_id=person_id)
    if start is not None and end is not None and end < start:
        raise Invalid(
            "Ngày kết thúc (to) phải sau ngày bắt đầu (from). The end (to) must not be before "
            "the start (from).",
            code="INVALID_DATE",
        )
    query = (
        select(ClassSession, Meeting, SchoolClass.name)
        .join(Meeting, Meeting.id == ClassSession.meeting_id)
        .join(SchoolClass, SchoolClass.id == ClassSession.class_id)
        .join(Participant, Participant.meeting_id == Meeting.id)
        .where(Participant.person_id == person_id)
    )
    if start is not None:
        query = query.where(ClassSession.day >= start)
    if end is not None:
        query = query.where(ClassSession.day <= end)
    if only_classes is not None:
        query = query.where(ClassSession.class_id.in_(only_classes))
    rows = session.execute(query.order_by(Meeting.starts_at, Meeting.id)).all()
    if only_classes is not None and not rows and not _in_classes(session, person_id, only_classes):
        # A teacher learns nothing of a child outside their classes, not even that they exist.
        raise NotFound(f"Không có người với mã số {person_id}. No person with id {person_id}.")
    names = {lesson.meeting_id: name for lesson, _, name in rows}
    marks = session_marks(
        session, lessons=[(lesson, m) for lesson, m, _ in rows], person_ids=[person_id], now=now
    )
    return History(
        person_id=person.id,
        full_name=person.full_name,
        start=start,
        end=end,
        sessions=tuple((m, names[m.meeting_id]) for m in marks),
        totals=totals_of(m.mark for m in marks),
    )


def _in_classes(session: Session, person_id: int, class_ids: set[int]) -> bool:
    found = session.scalar(
        select(ClassStudent.class_id).where(
            ClassStudent.person_id == person_id, ClassStudent.class_id.in_(class_ids)
        )
    )
    return found is not None


def classes_in_view(session: Session, principal: Principal) -> set[int] | None:
    """The classes a report may show this principal: None for all of them (the office), the
    classes they teach for a teacher."""
    if not is_scoped(principal.role):
        return None
    return classes_taught_by(session, account_id=principal.account_id)


@dataclass(frozen=True)
class ClassRate:
    class_id: int
    name: str
    school: str
    school_year: str
    students: int  # on a roster of the month's sessions
    sessions: int
    totals: Totals


@dataclass(frozen=True)
class SchoolMonth:
    school: str | None  # None: every school
    month: date
    classes: tuple[ClassRate, ...]

    @property
    def totals(self) -> Totals:
        return sum((c.totals for c in self.classes), Totals())


def school_month(
    session: Session,
    *,
    month: date,
    school: str | None = None,
    only_classes: set[int] | None = None,
    now: datetime | None = None,
) -> SchoolMonth:
    """Each class's totals and rate for the month (of `school`, or every school), and the
    school's total; `only_classes`: those classes alone (a teacher's)."""
    school = (school or "").strip() or None
    rates = []
    for cls in list_classes(session, only=only_classes):
        if school is not None and cls.school != school:
            continue
        lessons = sessions_of_class(session, class_id=cls.id, start=month, end=month_end(month))
        marks = session_marks(session, lessons=lessons, now=now)
        rates.append(
            ClassRate(
                class_id=cls.id,
                name=cls.name,
                school=cls.school,
                school_year=cls.school_year,
                students=len({m.person_id for m in marks}),
                sessions=len(lessons),
                totals=totals_of(m.mark for m in marks),
            )
        )
    return SchoolMonth(school=school, month=month, classes=tuple(rates))


def school_names(session: Session, *, only_classes: set[int] | None = None) -> list[str]:
    """The schools that have classes (those of `only_classes`), for a picker."""
    return sorted({c.school for c in list_classes(session, only=only_classes)})
