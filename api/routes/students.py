"""A person's student details: student code, date of birth and guardians."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from api.deps import ActorDep, PrincipalDep, SessionDep, need
from api.schemas_classes import GuardianBody, StudentBody, StudentRead
from attendance.errors import NotFound
from attendance.permissions import Permission, is_scoped, teaches_student
from attendance.schools.students import (
    GuardianDetails,
    StudentDetails,
    get_student,
    set_student,
)

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/people", tags=["students"])


def student_read(details: StudentDetails) -> StudentRead:
    return StudentRead(
        person_id=details.person_id,
        student_code=details.student_code,
        date_of_birth=details.date_of_birth,
        guardians=[
            GuardianBody(name=g.name, relation=g.relation, phone=g.phone, email=g.email)
            for g in details.guardians
        ],
    )


@router.put("/{person_id}/student", dependencies=[need(Permission.MANAGE_CLASSES)])
def put_student(
    person_id: int, body: StudentBody, session: SessionDep, actor: ActorDep
) -> StudentRead:
    """Replace the person's student code (unique across the installation, compared upper case
    without spaces: 409 STUDENT_CODE_TAKEN, or STUDENT_CODE_OTHER_SCHOOL when a student of
    another school holds it), date of birth and guardians (phone and e-mail checked: 422
    INVALID_PHONE / INVALID_EMAIL); all or nothing."""
    details = set_student(
        session,
        actor=actor,
        person_id=person_id,
        student_code=body.student_code,
        date_of_birth=body.date_of_birth,
        guardians=[
            GuardianDetails(name=g.name, relation=g.relation, phone=g.phone, email=g.email)
            for g in body.guardians
        ],
    )
    return student_read(details)


@router.get("/{person_id}/student", dependencies=[need(Permission.READ_CLASSES, lists=True)])
def read_student(person_id: int, session: SessionDep, principal: PrincipalDep) -> StudentRead:
    """The office reads anyone's; a teacher only a student of a class they teach (404
    otherwise, as for a person that does not exist)."""
    if is_scoped(principal.role) and not teaches_student(
        session, account_id=principal.account_id, person_id=person_id
    ):
        raise NotFound(
            f"Không có người với mã số {person_id}. No person with id {person_id}.",
            code="UNKNOWN_PERSON",
        )
    return student_read(get_student(session, person_id=person_id))
