"""A class list from the school's spreadsheet: each row's student matched by their student code
(else created), judged before anything is written (a preview), then imported in one go. A code
held by a student of another school's class is a rejected row, never that child updated."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import DomainError
from attendance.orm import Person, utcnow
from attendance.people import create_person, get_person, update_person
from attendance.schools.classes import get_class, set_students, student_ids
from attendance.schools.students import (
    GuardianDetails,
    check_birth,
    clean_code,
    clean_guardian,
    code_of_other_school,
    get_student,
    other_school,
    person_by_code,
    set_student,
)
from attendance.schools.tables import Guardian
from attendance.text import clean_text

logger = logging.getLogger(__name__)

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class ClassListRow:
    """One row of the file as read, nothing judged yet (`line`: its line in the sheet)."""

    line: int
    student_code: str
    full_name: str
    date_of_birth: str = ""
    guardian_name: str = ""
    relation: str = ""
    phone: str = ""
    email: str = ""


class ClassRowStatus(str, Enum):
    CREATE = "create"  # a new person and student
    UPDATE = "update"  # the student with this code, given the file's details
    REJECT = "reject"  # not imported: `reason` says why


@dataclass(frozen=True)
class ClassListEntry:
    row: ClassListRow
    status: ClassRowStatus
    reason: str = ""
    person: Person | None = None
    born: date | None = None
    guardian: GuardianDetails | None = None


@dataclass(frozen=True)
class ClassListPreview:
    rows: list[ClassListEntry] = field(default_factory=list)

    def count(self, status: ClassRowStatus) -> int:
        return sum(1 for r in self.rows if r.status is status)


@dataclass(frozen=True)
class ClassListImported:
    created: int
    updated: int
    rejected: int
    person_ids: list[int]  # the class's students afterwards
    preview: ClassListPreview = field(default_factory=ClassListPreview)
    people: dict[int, int] = field(default_factory=dict)  # line -> the person imported


def parse_birth(text: str) -> date | None:
    """A date as schools write it (31/12/2015, 2015-12-31, a spreadsheet's date cell)."""
    value = text.strip()
    if not value:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def preview_class_list(
    session: Session, *, class_id: int, rows: list[ClassListRow], today: date | None = None
) -> ClassListPreview:
    """What importing these rows would do; nothing is written."""
    school = get_class(session, class_id=class_id).school
    day = today or utcnow().date()
    # A code on two rows: which one is the student is not for the import to guess; every row
    # with it is rejected, naming the others.
    lines: dict[str, list[int]] = {}
    for row in rows:
        try:
            code = clean_code(row.student_code)
        except DomainError:
            continue
        if code is not None:
            lines.setdefault(code, []).append(row.line)
    repeated = {key: found for key, found in lines.items() if len(found) > 1}
    return ClassListPreview(rows=[_judge(session, row, day, repeated, school) for row in rows])


def _judge(
    session: Session,
    row: ClassListRow,
    day: date,
    repeated: dict[str, list[int]],
    school: str,
) -> ClassListEntry:
    def reject(reason: str) -> ClassListEntry:
        return ClassListEntry(row=row, status=ClassRowStatus.REJECT, reason=reason)

    try:
        name = clean_text(row.full_name, field="full_name")
        code = clean_code(row.student_code)
    except DomainError as exc:
        return reject(exc.message)
    if not name:
        return reject("Thiếu họ và tên. The full name is missing.")
    if code is None:
        return reject("Thiếu mã học sinh. The student code is missing.")
    try:
        born = parse_birth(row.date_of_birth)
    except ValueError:
        return reject(
            f"Ngày sinh '{row.date_of_birth}' không đọc được (dd/mm/yyyy). "
            f"The date of birth '{row.date_of_birth}' cannot be read (dd/mm/yyyy)."
        )
    if code in repeated:
        others = ", ".join(str(n) for n in repeated[code] if n != row.line)
        return reject(
            f"Mã học sinh {code} trùng với dòng {others}; sửa tệp rồi nhập lại. "
            f"The student code {code} repeats line {others}; correct the file and import again."
        )
    guardian = None
    try:
        check_birth(born, today=day)
        if row.guardian_name.strip() or row.phone.strip() or row.email.strip():
            guardian = clean_guardian(
                GuardianDetails(
                    name=row.guardian_name,
                    relation=row.relation or "phụ huynh",
                    phone=row.phone,
                    email=row.email,
                )
            )
    except DomainError as exc:
        return reject(exc.message)
    holder = person_by_code(session, student_code=code)
    if holder is not None and other_school(session, person_id=holder, schools={school}):
        return reject(code_of_other_school(code).message)
    person = get_person(session, person_id=holder) if holder is not None else None
    status = ClassRowStatus.CREATE if person is None else ClassRowStatus.UPDATE
    return ClassListEntry(row=row, status=status, person=person, born=born, guardian=guardian)


def import_class_list(
    session: Session,
    *,
    class_id: int,
    rows: list[ClassListRow],
    actor: str = "system",
    today: date | None = None,
) -> ClassListImported:
    """Create the new students, give known ones the file's name, date of birth and guardian,
    and add them all to the class (students already on it stay); rejected rows are skipped.
    Flushed, not committed: the caller's unit of work commits all of it or none."""
    preview = preview_class_list(session, class_id=class_id, rows=rows, today=today)
    ids: list[int] = []
    people: dict[int, int] = {}
    renamed = 0
    for entry in preview.rows:
        if entry.status is ClassRowStatus.REJECT:
            continue
        row = entry.row
        was_renamed = False
        if entry.person is None:
            person = create_person(session, full_name=row.full_name)
        else:
            person = entry.person
            if person.full_name != clean_text(row.full_name, field="full_name"):
                renamed += 1
                was_renamed = True
                update_person(
                    session,
                    person_id=person.id,
                    full_name=row.full_name,
                    code=person.code,
                    unit=person.unit,
                    title=person.title,
                )
        current = get_student(session, person_id=person.id)
        guardians = [entry.guardian] if entry.guardian else _kept(current.guardians)
        set_student(
            session,
            person_id=person.id,
            student_code=row.student_code,
            date_of_birth=entry.born or current.date_of_birth,
            guardians=guardians,
            today=today,
            actor=actor,
            renamed=was_renamed,
            audited=entry.person is not None,  # a new student is counted in `created`
        )
        ids.append(person.id)
        people[row.line] = person.id
    students = sorted(set(student_ids(session, class_id=class_id)) | set(ids))
    set_students(session, class_id=class_id, person_ids=students, actor=actor)
    done = ClassListImported(
        created=preview.count(ClassRowStatus.CREATE),
        updated=preview.count(ClassRowStatus.UPDATE),
        rejected=preview.count(ClassRowStatus.REJECT),
        person_ids=students,
        preview=preview,
        people=people,
    )
    audit.record(
        session,
        actor=actor,
        action="class_list_imported",
        subject=f"class:{class_id}",
        detail={
            "created": done.created,
            "updated": done.updated,
            "rejected": done.rejected,
            "renamed": renamed,
            "students": len(students),
        },
    )
    logger.info("class %d: %d created, %d updated", class_id, done.created, done.updated)
    return done


def _kept(guardians: list[Guardian]) -> list[GuardianDetails]:
    return [
        GuardianDetails(name=g.name, relation=g.relation, phone=g.phone, email=g.email)
        for g in guardians
    ]
