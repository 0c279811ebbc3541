"""Classes, their teachers and their students. A class's sessions are meetings: who is on a
class is carried to the sessions that have not started yet (their roster), who teaches it to
every session of the class (its assigned staff: a teacher taken off the class loses its past
and running lessons too), so check-in, review, the board and exports work on them unchanged.
Every change is audited."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict, Invalid, NotFound
from attendance.orm import MAX_ID, Meeting, Person, utcnow
from attendance.schools.tables import ClassSession, ClassStudent, ClassTeacher, SchoolClass
from attendance.staff.accounts import account_label
from attendance.staff.tables import MeetingStaff, StaffAccount
from attendance.text import clean_text
from attendance.tokens import TEACHER

logger = logging.getLogger(__name__)


def create_class(
    session: Session, *, name: str, school: str, school_year: str, actor: str = "system"
) -> SchoolClass:
    name = clean_text(name, field="name")
    school = clean_text(school, field="school")
    school_year = clean_text(school_year, field="school_year")
    if not name or not school or not school_year:
        raise Invalid(
            "Cần tên lớp, trường và năm học. A class needs a name, a school and a school year.",
            code="CLASS_INCOMPLETE",
        )
    taken = session.scalar(
        select(SchoolClass.id).where(
            SchoolClass.school == school,
            SchoolClass.school_year == school_year,
            SchoolClass.name == name,
        )
    )
    if taken is not None:
        raise Conflict(
            f"Trường {school} đã có lớp {name} trong năm học {school_year}. "
            f"{school} already has a class {name} in {school_year}.",
            code="CLASS_EXISTS",
        )
    cls = SchoolClass(name=name, school=school, school_year=school_year)
    session.add(cls)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="class_created",
        subject=f"class:{cls.id}",
        detail={"name": name, "school": school, "school_year": school_year},
    )
    return cls


def rename_class(
    session: Session, *, class_id: int, name: str, actor: str = "system"
) -> SchoolClass:
    """A new name for the class, unique in its school and year as when created."""
    cls = get_class(session, class_id=class_id)
    name = clean_text(name, field="name")
    if not name:
        raise Invalid("Cần tên lớp. A class needs a name.", code="CLASS_INCOMPLETE")
    taken = session.scalar(
        select(SchoolClass.id).where(
            SchoolClass.school == cls.school,
            SchoolClass.school_year == cls.school_year,
            SchoolClass.name == name,
            SchoolClass.id != cls.id,
        )
    )
    if taken is not None:
        raise Conflict(
            f"Trường {cls.school} đã có lớp {name} trong năm học {cls.school_year}. "
            f"{cls.school} already has a class {name} in {cls.school_year}.",
            code="CLASS_EXISTS",
        )
    if cls.name != name:
        audit.record(
            session,
            actor=actor,
            action="class_renamed",
            subject=f"class:{cls.id}",
            detail={"old_name": cls.name, "name": name},
        )
    cls.name = name
    session.flush()
    return cls


def get_class(session: Session, *, class_id: int) -> SchoolClass:
    cls = session.get(SchoolClass, class_id) if 0 < class_id <= MAX_ID else None
    if cls is None:
        raise NotFound(
            f"Không có lớp số {class_id}. No class with id {class_id}.", code="UNKNOWN_CLASS"
        )
    return cls


def list_classes(session: Session, *, only: set[int] | None = None) -> list[SchoolClass]:
    """Every class (or those in `only`), by school, year (newest first) and name."""
    query = select(SchoolClass)
    if only is not None:
        query = query.where(SchoolClass.id.in_(list(only)))
    rows = session.scalars(query.order_by(SchoolClass.school, SchoolClass.name))
    return sorted(rows, key=lambda c: (c.school, _year_key(c.school_year), c.name))


def _year_key(year: str) -> str:
    return "".join(chr(0x10FFFF - ord(ch)) for ch in year)  # newest year first


def student_ids(session: Session, *, class_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ClassStudent.person_id)
            .where(ClassStudent.class_id == class_id)
            .order_by(ClassStudent.person_id)
        )
    )


def teacher_ids(session: Session, *, class_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ClassTeacher.account_id)
            .where(ClassTeacher.class_id == class_id)
            .order_by(ClassTeacher.account_id)
        )
    )


def classes_taught_by(session: Session, *, account_id: int | None) -> set[int]:
    if account_id is None:
        return set()
    return set(
        session.scalars(select(ClassTeacher.class_id).where(ClassTeacher.account_id == account_id))
    )


def set_students(
    session: Session,
    *,
    class_id: int,
    person_ids: list[int],
    now: datetime | None = None,
    actor: str = "system",
) -> list[int]:
    """Replace the class's students (all or nothing: an unknown id changes nothing); the
    rosters of its sessions that have not started follow."""
    get_class(session, class_id=class_id)
    wanted = sorted(set(person_ids))
    storable = [p for p in wanted if 0 < p <= MAX_ID]
    found = set(session.scalars(select(Person.id).where(Person.id.in_(storable))))
    missing = [p for p in wanted if p not in found]
    if missing:
        shown = ", ".join(str(p) for p in missing[:20])
        raise NotFound(
            f"Không có người với mã số {shown}. No people with ids {shown}.",
            code="UNKNOWN_PERSON",
        )
    before = set(student_ids(session, class_id=class_id))
    session.execute(delete(ClassStudent).where(ClassStudent.class_id == class_id))
    session.add_all(ClassStudent(class_id=class_id, person_id=p) for p in wanted)
    session.flush()
    if before != set(wanted):
        added, removed = sorted(set(wanted) - before), sorted(before - set(wanted))
        audit.record(
            session,
            actor=actor,
            action="class_students_set",
            subject=f"class:{class_id}",
            detail={
                "added_count": len(added),
                "removed_count": len(removed),
                "added_ids": added,
                "removed_ids": removed,
            },
        )
    from attendance.meetings import set_participants  # a cycle otherwise: meetings -> orm

    for meeting_id in upcoming_sessions(session, class_id=class_id, now=now):
        set_participants(session, meeting_id=meeting_id, person_ids=wanted, non_voting_ids=wanted)
    return wanted


def set_teachers(
    session: Session,
    *,
    class_id: int,
    account_ids: list[int],
    actor: str = "system",
) -> list[int]:
    """Replace the class's teachers (accounts with the teacher role); they are assigned to
    every session of the class (past, running and to come), and those taken off the class
    lose all of them. Staff assigned by hand to one lesson who never taught the class stay."""
    get_class(session, class_id=class_id)
    wanted = sorted(set(account_ids))
    storable = [a for a in wanted if 0 < a <= MAX_ID]
    found = {
        a.id: a for a in session.scalars(select(StaffAccount).where(StaffAccount.id.in_(storable)))
    }
    bad = [a for a in wanted if a not in found or found[a].role != TEACHER]
    if bad:
        shown = ", ".join(str(a) for a in bad[:20])
        raise Invalid(
            f"Không phải tài khoản giáo viên: {shown}. Not teacher accounts: {shown}.",
            code="NOT_A_TEACHER",
        )
    before = set(teacher_ids(session, class_id=class_id))
    session.execute(delete(ClassTeacher).where(ClassTeacher.class_id == class_id))
    session.add_all(ClassTeacher(class_id=class_id, account_id=a) for a in wanted)
    session.flush()
    gone = before - set(wanted)
    meetings = all_sessions(session, class_id=class_id)
    if gone and meetings:
        session.execute(
            delete(MeetingStaff).where(
                MeetingStaff.meeting_id.in_(meetings), MeetingStaff.account_id.in_(gone)
            )
        )
    for meeting_id in meetings:
        assign_teachers(session, meeting_id=meeting_id, account_ids=wanted)
    if before != set(wanted):
        _record_teachers(session, class_id=class_id, before=before, wanted=wanted, actor=actor)
    return wanted


def _record_teachers(
    session: Session, *, class_id: int, before: set[int], wanted: list[int], actor: str
) -> None:
    added, removed = sorted(set(wanted) - before), sorted(before - set(wanted))
    names = {
        a.id: account_label(a)
        for a in session.scalars(select(StaffAccount).where(StaffAccount.id.in_(added + removed)))
    }
    audit.record(
        session,
        actor=actor,
        action="class_teachers_set",
        subject=f"class:{class_id}",
        detail={
            "added": added,
            "removed": removed,
            "added_names": [names.get(a, f"#{a}") for a in added],
            "removed_names": [names.get(a, f"#{a}") for a in removed],
        },
    )


def assign_teachers(session: Session, *, meeting_id: int, account_ids: list[int]) -> None:
    """Add these accounts to the meeting's staff (those already there stay once)."""
    have = set(
        session.scalars(
            select(MeetingStaff.account_id).where(MeetingStaff.meeting_id == meeting_id)
        )
    )
    session.add_all(
        MeetingStaff(meeting_id=meeting_id, account_id=a) for a in account_ids if a not in have
    )
    session.flush()


def upcoming_sessions(session: Session, *, class_id: int, now: datetime | None = None) -> list[int]:
    """The class's sessions that have not started yet."""
    return list(
        session.scalars(
            select(ClassSession.meeting_id)
            .join(Meeting, Meeting.id == ClassSession.meeting_id)
            .where(ClassSession.class_id == class_id, Meeting.starts_at > (now or utcnow()))
            .order_by(Meeting.starts_at)
        )
    )


def all_sessions(session: Session, *, class_id: int) -> list[int]:
    """Every session of the class, past, running and to come."""
    return list(
        session.scalars(select(ClassSession.meeting_id).where(ClassSession.class_id == class_id))
    )
