"""What a class page and the class API show of each student: code, date of birth, guardians,
consent state, and whether their face needs retaking (children's faces change)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.consent import GIVEN, consent_statuses
from attendance.consent_tables import SCHOOL_ATTENDANCE, SELF, Consent
from attendance.names import name_sort_key
from attendance.orm import Person, utcnow
from attendance.schools.classes import student_ids
from attendance.schools.students import (
    REENROLL_AFTER_DAYS,
    guardians_of,
    is_minor,
    needs_reenrollment,
    students_of,
)
from attendance.schools.tables import Guardian

logger = logging.getLogger(__name__)

GUARDIAN_REQUIRED = "guardian_required"


@dataclass(frozen=True)
class StudentLine:
    person: Person
    student_code: str | None
    date_of_birth: date | None
    guardians: list[Guardian]
    consent: str  # given | missing | withdrawn | guardian_required (a minor's own only)
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
    today = (now or utcnow()).date()
    minors = [p for p, d in details.items() if is_minor(d.date_of_birth, on=today)]
    covered = guardian_consented(session, person_ids=minors)
    for person_id in minors:
        if consents[person_id] == GIVEN and person_id not in covered:
            consents[person_id] = GUARDIAN_REQUIRED
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


def guardian_consented(session: Session, *, person_ids: list[int]) -> set[int]:
    """Those with an active guardian's consent covering school attendance (what a minor's
    face needs, attendance/consent.require_consent)."""
    if not person_ids:
        return set()
    rows = session.scalars(
        select(Consent).where(
            Consent.person_id.in_(person_ids),
            Consent.withdrawn_at.is_(None),
            Consent.relation != SELF,
        )
    )
    return {c.person_id for c in rows if SCHOOL_ATTENDANCE in c.purposes}
