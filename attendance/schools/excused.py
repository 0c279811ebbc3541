"""Excused absences registered ahead (a student and a date range, with a reason) by the office
or a teacher of one of the student's classes (attendance.permissions.teaches_student)."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Invalid, NotFound
from attendance.orm import MAX_ID
from attendance.people import get_person
from attendance.schools.tables import AbsenceMark, ClassSession, ExcusedAbsence
from attendance.text import clean_text

logger = logging.getLogger(__name__)

MAX_EXCUSED_DAYS = 366


def add_excused(
    session: Session, *, person_id: int, starts_on: date, ends_on: date, reason: str, actor: str
) -> ExcusedAbsence:
    get_person(session, person_id=person_id)
    text = clean_text(reason, field="reason")
    if not text:
        raise Invalid("Cần ghi lý do. A reason is required.", code="REASON_REQUIRED")
    if ends_on < starts_on:
        raise Invalid(
            "Ngày kết thúc phải từ ngày bắt đầu trở đi. ends_on must not be before starts_on.",
            code="EXCUSED_DATES",
        )
    if (ends_on - starts_on).days >= MAX_EXCUSED_DAYS:
        raise Invalid(
            f"Một lần xin phép dài nhất {MAX_EXCUSED_DAYS} ngày. "
            f"An excused absence covers at most {MAX_EXCUSED_DAYS} days.",
            code="EXCUSED_DATES",
        )
    row = ExcusedAbsence(
        person_id=person_id, starts_on=starts_on, ends_on=ends_on, reason=text, recorded_by=actor
    )
    session.add(row)
    session.flush()
    _recount_marks(session, person_id=person_id, starts_on=starts_on, ends_on=ends_on)
    audit.record(
        session,
        actor=actor,
        action="excused_absence_added",
        subject=f"person:{person_id}",
        detail={
            "excused_id": row.id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },  # never the reason: health details of a child would outlive their erasure here
    )
    return row


def list_excused(session: Session, *, person_ids: list[int]) -> list[ExcusedAbsence]:
    """These people's excused absences, newest range first."""
    if not person_ids:
        return []
    return list(
        session.scalars(
            select(ExcusedAbsence)
            .where(ExcusedAbsence.person_id.in_(person_ids))
            .order_by(ExcusedAbsence.starts_on.desc(), ExcusedAbsence.id.desc())
        )
    )


def remove_excused(session: Session, *, person_id: int, excused_id: int, actor: str) -> None:
    row = session.get(ExcusedAbsence, excused_id) if 0 < excused_id <= MAX_ID else None
    if row is None or row.person_id != person_id:
        raise NotFound(
            f"Không có đơn xin phép số {excused_id} của người này. "
            f"No excused absence {excused_id} for this person.",
            code="UNKNOWN_EXCUSED_ABSENCE",
        )
    detail = {
        "excused_id": excused_id,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
    }
    session.delete(row)
    session.flush()
    _recount_marks(session, person_id=person_id, starts_on=row.starts_on, ends_on=row.ends_on)
    audit.record(
        session,
        actor=actor,
        action="excused_absence_removed",
        subject=f"person:{person_id}",
        detail=detail,
    )


def is_excused(session: Session, *, person_id: int, day: date) -> bool:
    found = session.scalar(
        select(ExcusedAbsence.id).where(
            ExcusedAbsence.person_id == person_id,
            ExcusedAbsence.starts_on <= day,
            ExcusedAbsence.ends_on >= day,
        )
    )
    return found is not None


def _recount_marks(session: Session, *, person_id: int, starts_on: date, ends_on: date) -> None:
    """Absence marks already written for those days follow the excused absences as they are
    now (a parent who calls after the cut-off); the `absent` already published stays sent."""
    marks = session.execute(
        select(AbsenceMark, ClassSession.day)
        .join(ClassSession, ClassSession.meeting_id == AbsenceMark.meeting_id)
        .where(
            AbsenceMark.person_id == person_id,
            ClassSession.day >= starts_on,
            ClassSession.day <= ends_on,
        )
    ).all()
    for mark, day in marks:
        mark.excused = is_excused(session, person_id=person_id, day=day)
    session.flush()
