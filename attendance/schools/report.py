"""A class's attendance for a month: each student x each school day with a session, a mark
(the day's worst, see marks.SEVERITY), totals and rates per student (counted per session),
counts per day. Pure reading: nothing is written."""

from __future__ import annotations

import calendar
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.errors import Invalid
from attendance.names import name_sort_key
from attendance.orm import Person
from attendance.schools.classes import get_class, student_ids
from attendance.schools.marks import Mark, SessionMark, Totals, day_mark, session_marks, totals_of
from attendance.schools.sessions import sessions_of_class
from attendance.schools.tables import Student

logger = logging.getLogger(__name__)

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> date:
    """'2026-12' -> the month's first day; anything else is refused with an example."""
    found = MONTH.match(value.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        raise Invalid(
            f"Tháng {value!r} không hợp lệ; ghi theo dạng NNNN-TT, ví dụ 2026-12. "
            f"Month {value!r} is not valid; write it as YYYY-MM, e.g. 2026-12.",
            code="INVALID_MONTH",
        )
    return date(int(found.group(1)), int(found.group(2)), 1)


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class StudentLine:
    person_id: int
    full_name: str
    student_code: str
    days: tuple[Mark | None, ...]  # one per ClassMonth.days
    totals: Totals


@dataclass(frozen=True)
class DayCounts:
    """How many students had each mark on a day (its day marks)."""

    day: date
    sessions: int
    totals: Totals


@dataclass(frozen=True)
class ClassMonth:
    class_id: int
    name: str
    school: str
    school_year: str
    month: date  # its first day
    days: tuple[date, ...]  # the school days: the days with a session
    students: tuple[StudentLine, ...]  # in Vietnamese name order
    day_counts: tuple[DayCounts, ...]
    marks: tuple[SessionMark, ...]  # every session's marks, for a sheet per day

    @property
    def totals(self) -> Totals:
        return sum((s.totals for s in self.students), Totals())

    @property
    def title(self) -> str:
        return f"Lớp {self.name} - {self.school} - tháng {self.month:%m/%Y}"


def class_month(
    session: Session, *, class_id: int, month: date, now: datetime | None = None
) -> ClassMonth:
    cls = get_class(session, class_id=class_id)
    lessons = sessions_of_class(session, class_id=class_id, start=month, end=month_end(month))
    marks = session_marks(session, lessons=lessons, now=now)
    days = tuple(sorted({lesson.day for lesson, _ in lessons}))
    per_day: dict[date, int] = defaultdict(int)
    for lesson, _ in lessons:
        per_day[lesson.day] += 1
    by_student: dict[int, list[SessionMark]] = defaultdict(list)
    for mark in marks:
        by_student[mark.person_id].append(mark)
    # The class's students now, and anyone on a session's roster this month who has left it.
    people = set(student_ids(session, class_id=class_id)) | set(by_student)
    lines = []
    for person, code in _people(session, people):
        mine = by_student.get(person.id, [])
        on_day: dict[date, list[Mark | None]] = defaultdict(list)
        for m in mine:
            on_day[m.day].append(m.mark)
        lines.append(
            StudentLine(
                person_id=person.id,
                full_name=person.full_name,
                student_code=code or "",
                days=tuple(day_mark(on_day.get(day, [])) for day in days),
                totals=totals_of(m.mark for m in mine),
            )
        )
    counts = tuple(
        DayCounts(day, per_day[day], totals_of(line.days[i] for line in lines))
        for i, day in enumerate(days)
    )
    return ClassMonth(
        class_id=cls.id,
        name=cls.name,
        school=cls.school,
        school_year=cls.school_year,
        month=month,
        days=days,
        students=tuple(lines),
        day_counts=counts,
        marks=tuple(marks),
    )


def _people(session: Session, ids: set[int]) -> list[tuple[Person, str | None]]:
    rows = session.execute(
        select(Person, Student.student_code)
        .outerjoin(Student, Student.person_id == Person.id)
        .where(Person.id.in_(ids))
    ).all()
    return sorted(
        ((p, c) for p, c in rows), key=lambda row: (name_sort_key(row[0].full_name), row[0].id)
    )
