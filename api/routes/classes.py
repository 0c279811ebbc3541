"""Classes: create, list (a teacher: the classes they teach), read with students, rename and
set teachers, set students, import the school's class list (with a dry run)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status
from sqlalchemy.orm import Session

from api.deps import ActorDep, PrincipalDep, ServicesDep, SessionDep, need
from api.schemas_classes import (
    ClassCreate,
    ClassDetailRead,
    ClassListImportRead,
    ClassListRowRead,
    ClassRead,
    ClassStudentRead,
    ClassStudentsSet,
    ClassUpdate,
)
from api.upload import read_upload
from attendance.errors import Invalid
from attendance.permissions import Permission, is_scoped
from attendance.schools.class_list import (
    ClassListPreview,
    ClassRowStatus,
    import_class_list,
    preview_class_list,
)
from attendance.schools.class_view import class_students
from attendance.schools.classes import (
    classes_taught_by,
    create_class,
    get_class,
    list_classes,
    rename_class,
    set_students,
    set_teachers,
    student_ids,
    teacher_ids,
)
from attendance.schools.tables import SchoolClass
from enrollment.class_list import read_class_list

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/classes", tags=["classes"])


def class_read(session: Session, cls: SchoolClass) -> ClassRead:
    return ClassRead(
        id=cls.id,
        name=cls.name,
        school=cls.school,
        school_year=cls.school_year,
        teacher_ids=teacher_ids(session, class_id=cls.id),
        student_count=len(student_ids(session, class_id=cls.id)),
    )


@router.post(
    "", dependencies=[need(Permission.MANAGE_CLASSES)], status_code=status.HTTP_201_CREATED
)
def create(body: ClassCreate, session: SessionDep, actor: ActorDep) -> ClassRead:
    """A class of a school year; `teacher_ids` are teacher accounts (422 NOT_A_TEACHER)."""
    cls = create_class(
        session, name=body.name, school=body.school, school_year=body.school_year, actor=actor
    )
    set_teachers(session, class_id=cls.id, account_ids=body.teacher_ids, actor=actor)
    return class_read(session, cls)


@router.get("", dependencies=[need(Permission.READ_CLASSES, lists=True)])
def listed(session: SessionDep, principal: PrincipalDep) -> list[ClassRead]:
    """Every class; a teacher sees the classes they teach."""
    only = (
        classes_taught_by(session, account_id=principal.account_id)
        if is_scoped(principal.role)
        else None
    )
    return [class_read(session, c) for c in list_classes(session, only=only)]


@router.get("/{class_id}", dependencies=[need(Permission.READ_CLASSES)])
def read(class_id: int, session: SessionDep, services: ServicesDep) -> ClassDetailRead:
    """The class with its students (code, date of birth, consent, and whether their newest
    face is older than ATTEND_ENROLL__REENROLL_AFTER_DAYS: `needs_reenrollment`)."""
    cls = get_class(session, class_id=class_id)
    days = services.settings.enroll.reenroll_after_days
    students = [
        ClassStudentRead(
            id=s.person.id,
            full_name=s.person.full_name,
            student_code=s.student_code,
            date_of_birth=s.date_of_birth,
            consent=s.consent,
            needs_reenrollment=s.needs_reenrollment,
        )
        for s in class_students(session, class_id=class_id, reenroll_after_days=days)
    ]
    return ClassDetailRead(**class_read(session, cls).model_dump(), students=students)


@router.patch("/{class_id}", dependencies=[need(Permission.MANAGE_CLASSES)])
def update(class_id: int, body: ClassUpdate, session: SessionDep, actor: ActorDep) -> ClassRead:
    """Rename the class and/or replace its teachers (only the fields sent): the teachers
    follow on every session of the class, past and running ones included."""
    cls = get_class(session, class_id=class_id)
    if body.name is not None:
        rename_class(session, class_id=class_id, name=body.name, actor=actor)
    if body.teacher_ids is not None:
        set_teachers(session, class_id=class_id, account_ids=body.teacher_ids, actor=actor)
    return class_read(session, cls)


@router.put("/{class_id}/students", dependencies=[need(Permission.MANAGE_CLASSES)])
def put_students(
    class_id: int, body: ClassStudentsSet, session: SessionDep, actor: ActorDep
) -> list[int]:
    """Replace the class's students (all or nothing: 404 UNKNOWN_PERSON names unknown ids);
    its sessions not yet started follow. Answers the students' ids."""
    return set_students(session, class_id=class_id, person_ids=body.person_ids, actor=actor)


@router.post("/{class_id}/import", dependencies=[need(Permission.MANAGE_CLASSES)])
def import_list(
    class_id: int,
    session: SessionDep,
    services: ServicesDep,
    actor: ActorDep,
    file: Annotated[UploadFile | None, File()] = None,
    dry_run: Annotated[bool, Query(description="Only say what would be done.")] = False,
) -> ClassListImportRead:
    """Import the school's class list (XLSX or CSV): students matched by their student code,
    else created, and added to the class; rows with a bad date, a repeated code, a bad phone
    or e-mail, or a code held by a student of another school are rejected with the reason;
    `unused_columns` names the headers not read. Codes compare normalised ('hs 001' is
    'HS001'). `dry_run=true` writes nothing."""
    get_class(session, class_id=class_id)
    if file is None:
        raise Invalid(
            "Thiếu tệp danh sách lớp (trường 'file'). No class list was sent (field 'file').",
            code="INVALID_REQUEST",
        )
    sheet = read_class_list(read_upload(file, max_bytes=services.settings.limits.max_upload_bytes))
    rows = sheet.rows
    if dry_run:
        preview = preview_class_list(session, class_id=class_id, rows=rows)
        count = len(student_ids(session, class_id=class_id))
        answer = _answer(preview, {}, dry_run=True, student_count=count)
    else:
        done = import_class_list(session, class_id=class_id, rows=rows, actor=actor)
        answer = _answer(
            done.preview, done.people, dry_run=False, student_count=len(done.person_ids)
        )
    return answer.model_copy(update={"unused_columns": sheet.unused})


def _answer(
    preview: ClassListPreview, people: dict[int, int], *, dry_run: bool, student_count: int
) -> ClassListImportRead:
    S = ClassRowStatus
    return ClassListImportRead(
        dry_run=dry_run,
        created=preview.count(S.CREATE),
        updated=preview.count(S.UPDATE),
        rejected=preview.count(S.REJECT),
        student_count=student_count,
        rows=[
            ClassListRowRead(
                line=e.row.line,
                status=e.status.value,
                student_code=e.row.student_code,
                full_name=e.row.full_name,
                person_id=people.get(e.row.line, e.person.id if e.person else None),
                reason=e.reason,
            )
            for e in preview.rows
        ],
    )
