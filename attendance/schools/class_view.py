"""What a class page and the class API show of each student: code, date of birth, guardians,
consent state, and whether their face needs retaking (children's faces change)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.consent import consent_statuses
from attendance.names import name_sort_key
from attendance.orm import Person
from attendance.schools.classes import student_ids
from attendance.schools.students import (
    REENROLL_AFTER_DAYS,
    guardians_of,
    needs_reenrollment,
    students_of,
)
from attendance.schools.tables import Guardian

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StudentLine:
    person: Person
    student_code: str | None
    date_of_birth: date | None
    guardians: list[Guardian]
    consent: str  # given | missing | withdrawn
    needs_reenrollment: bool


def class_students(
    session: Session,
    *,
    class_id: int,
    now: datetime | None = None,
    reenroll_after_days: int = REENROLL_AFTER_DAYS,
) -> list[StudentLine]:
    """The class's students by name (Vietnamese order: given name first)."""
    ids = student_ids(session, class_id=class_id)
    if not ids:
        return []
    people = session.scalars(select(Person).where(Person.id.in_(ids)))
    details = students_of(session, person_ids=ids)
    guardians = guardians_of(session, person_ids=ids)
    consents = consent_statuses(session, person_ids=ids)
    old = needs_reenrollment(session, person_ids=ids, now=now, days=reenroll_after_days)
    lines = [
        StudentLine(
            person=p,
            student_code=details[p.id].student_code if p.id in details else None,
            date_of_birth=details[p.id].date_of_birth if p.id in details else None,
            guardians=guardians.get(p.id, []),
            consent=consents[p.id],
            needs_reenrollment=p.id in old,
        )
        for p in people
    ]
    return sorted(lines, key=lambda line: name_sort_key(line.person.full_name))
