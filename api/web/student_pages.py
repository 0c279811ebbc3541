"""A class's teachers set on its page, and a student's own page in the class: student code,
date of birth and guardians (a row added or removed at a time), through the school services."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, SessionDep, need
from api.errors import status_for
from api.web.class_pages import teacher_choice
from api.web.forms import Text
from api.web.render import render
from attendance.errors import DomainError, Invalid, NotFound
from attendance.people import get_person
from attendance.permissions import Permission, Principal
from attendance.schools.class_list import parse_birth
from attendance.schools.classes import get_class, set_teachers, student_ids
from attendance.schools.students import MAX_GUARDIANS, GuardianDetails, get_student, set_student

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

PAGE = "/classes/{class_id}/students/{person_id}"
Fields = Annotated[list[str], Form()]


@router.post(
    "/classes/{class_id}/teachers", dependencies=[need(Permission.MANAGE_CLASSES, page=True)]
)
def save_teachers(
    class_id: int,
    session: SessionDep,
    teacher_ids: Fields = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """The ticked teacher accounts become the class's teachers (none ticked: none)."""
    get_class(session, class_id=class_id)
    set_teachers(session, class_id=class_id, account_ids=[teacher_choice(v) for v in teacher_ids])
    return RedirectResponse(f"/classes/{class_id}?ok=teachers_saved", status_code=303)


@router.get(PAGE, dependencies=[need(Permission.MANAGE_CLASSES, page=True)])
def student_page(
    class_id: int, person_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    _in_class(session, class_id, person_id)
    details = get_student(session, person_id=person_id)
    form = {
        "student_code": details.student_code or "",
        "date_of_birth": details.date_of_birth.isoformat() if details.date_of_birth else "",
    }
    rows = [
        {"name": g.name, "relation": g.relation, "phone": g.phone or "", "email": g.email or ""}
        for g in details.guardians
    ]
    return _page(request, session, staff, class_id, person_id, form=form, guardians=rows)


@router.post(PAGE, dependencies=[need(Permission.MANAGE_CLASSES, page=True)])
def save_student(
    class_id: int,
    person_id: int,
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    student_code: Text = "",
    date_of_birth: Text = "",
    guardian_name: Fields = [],  # noqa: B006
    guardian_relation: Fields = [],  # noqa: B006
    guardian_phone: Fields = [],  # noqa: B006
    guardian_email: Fields = [],  # noqa: B006
    remove: Fields = [],  # noqa: B006 (the rows ticked "remove", by their index)
) -> Response:
    """Replace the student's code, date of birth and guardians; a row left empty or ticked
    "remove" is dropped. A refusal shows the form again as it was typed, nothing saved."""
    _in_class(session, class_id, person_id)
    columns = (guardian_name, guardian_relation, guardian_phone, guardian_email)
    count = max((len(c) for c in columns), default=0)
    rows = [
        {
            key: (column[i] if i < len(column) else "").strip()
            for key, column in zip(("name", "relation", "phone", "email"), columns, strict=True)
        }
        for i in range(count)
    ]
    kept = [r for i, r in enumerate(rows) if str(i) not in remove and any(r.values())]
    form = {"student_code": student_code, "date_of_birth": date_of_birth}
    try:
        born = _birth(date_of_birth)
        set_student(
            session,
            person_id=person_id,
            student_code=student_code,
            date_of_birth=born,
            guardians=[GuardianDetails(**r) for r in kept],
        )
    except DomainError as exc:
        session.rollback()
        return _page(
            request, session, staff, class_id, person_id, form=form, guardians=kept, error=exc
        )
    return RedirectResponse(
        f"{PAGE.format(class_id=class_id, person_id=person_id)}?ok=student_saved", status_code=303
    )


def _page(
    request: Request,
    session: Session,
    staff: Principal,
    class_id: int,
    person_id: int,
    *,
    form: dict[str, str],
    guardians: list[dict[str, str]],
    error: DomainError | None = None,
) -> Response:
    blank = {"name": "", "relation": "", "phone": "", "email": ""}
    shown = guardians + ([blank] if len(guardians) < MAX_GUARDIANS else [])
    return render(
        request,
        "student_edit.html",
        staff=staff,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        cls=get_class(session, class_id=class_id),
        person=get_person(session, person_id=person_id),
        form=form,
        guardians=shown,
    )


def _in_class(session: Session, class_id: int, person_id: int) -> None:
    get_class(session, class_id=class_id)
    if person_id not in student_ids(session, class_id=class_id):
        raise NotFound(
            "Không có học sinh này trong lớp. No such student in this class.", code="NOT_FOUND"
        )


def _birth(text: str) -> date | None:
    try:
        return parse_birth(text)
    except ValueError:
        raise Invalid(
            f"Ngày sinh '{text}' không đọc được (dd/mm/yyyy). "
            f"The date of birth '{text}' cannot be read (dd/mm/yyyy).",
            code="INVALID_DATE",
        ) from None
