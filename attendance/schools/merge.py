"""When two people are merged, what the school knows of the one removed goes to the one kept:
their classes, guardians, student details, excused absences and absence marks."""

from __future__ import annotations

import logging

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from attendance.schools.tables import (
    AbsenceMark,
    ClassStudent,
    ExcusedAbsence,
    Guardian,
    Student,
)

logger = logging.getLogger(__name__)


def merge_school_records(session: Session, *, from_id: int, into_id: int) -> None:
    """Move the school's rows of `from_id` to `into_id` (flushed, not committed). A class or
    a session both are on keeps one row; the kept person's student details win, and fill
    from the other's where they have none."""
    both_classes = select(ClassStudent.class_id).where(ClassStudent.person_id == into_id)
    session.execute(
        delete(ClassStudent).where(
            ClassStudent.person_id == from_id, ClassStudent.class_id.in_(both_classes)
        )
    )
    session.execute(
        update(ClassStudent).where(ClassStudent.person_id == from_id).values(person_id=into_id)
    )
    both_marked = select(AbsenceMark.meeting_id).where(AbsenceMark.person_id == into_id)
    session.execute(
        delete(AbsenceMark).where(
            AbsenceMark.person_id == from_id, AbsenceMark.meeting_id.in_(both_marked)
        )
    )
    for table in (AbsenceMark, ExcusedAbsence, Guardian):
        session.execute(
            update(table)
            .where(table.person_id == from_id)
            .values(person_id=into_id)
            .execution_options(synchronize_session=False)
        )
    _merge_student(session, from_id=from_id, into_id=into_id)
    session.flush()


def _merge_student(session: Session, *, from_id: int, into_id: int) -> None:
    source = session.get(Student, from_id)
    if source is None:
        return
    code, born = source.student_code, source.date_of_birth
    session.delete(source)
    session.flush()  # the code is free for the kept person now
    target = session.get(Student, into_id)
    if target is None:
        session.add(Student(person_id=into_id, student_code=code, date_of_birth=born))
        return
    target.student_code = target.student_code or code
    target.date_of_birth = target.date_of_birth or born
