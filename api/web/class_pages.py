"""Class pages: the list (the office creates a class there; a teacher sees theirs), a class with
its students and today's sessions, and its class list imported from a spreadsheet (preview,
then confirm)."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.errors import status_for
from api.services import Services
from api.upload import read_upload
from api.web.forms import Text
from api.web.render import render
from attendance.errors import DomainError, Invalid
from attendance.orm import utcnow
from attendance.permissions import Permission, Principal, is_scoped
from attendance.schools.class_list import (
    ClassListRow,
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
    set_teachers,
    student_ids,
    teacher_ids,
)
from attendance.schools.sessions import sessions_of_class
from attendance.staff.tables import StaffAccount
from attendance.tokens import TEACHER
from enrollment.class_list import read_class_list
from enrollment.roster import MAX_ROWS
from models.images import ImageRejected, format_bytes

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


@router.get("/classes", dependencies=[need(Permission.READ_CLASSES, page=True, lists=True)])
def classes_page(request: Request, session: SessionDep, staff: PrincipalDep) -> Response:
    return _list(request, session, staff)


@router.post("/classes", dependencies=[need(Permission.MANAGE_CLASSES, page=True)])
def create(
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    name: Text = "",
    school: Text = "",
    school_year: Text = "",
    teacher_ids: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    try:
        ids = [teacher_choice(v) for v in teacher_ids]
        cls = create_class(
            session, name=name, school=school, school_year=school_year, actor=staff.actor
        )
        set_teachers(session, class_id=cls.id, account_ids=ids, actor=staff.actor)
    except DomainError as exc:
        session.rollback()
        form = {"name": name, "school": school, "school_year": school_year}
        return _list(request, session, staff, error=exc, form=form)
    return RedirectResponse(f"/classes/{cls.id}?ok=class_created", status_code=303)


def _list(
    request: Request,
    session: Session,
    staff: Principal,
    *,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    only = (
        classes_taught_by(session, account_id=staff.account_id) if is_scoped(staff.role) else None
    )
    classes = list_classes(session, only=only)
    return render(
        request,
        "classes.html",
        staff=staff,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        classes=classes,
        sizes={c.id: len(student_ids(session, class_id=c.id)) for c in classes},
        teachers=teacher_accounts(session),
        form=form or {},
    )


@router.get("/classes/{class_id}", dependencies=[need(Permission.READ_CLASSES, page=True)])
def class_page(
    class_id: int, request: Request, session: SessionDep, services: ServicesDep, staff: PrincipalDep
) -> Response:
    return _class_view(request, session, services, staff, class_id)


def _class_view(
    request: Request,
    session: Session,
    services: Services,
    staff: Principal,
    class_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    cls = get_class(session, class_id=class_id)
    zone = services.settings.timezone
    today = datetime.now(ZoneInfo(zone)).date()
    days = services.settings.enroll.reenroll_after_days
    students = class_students(session, class_id=class_id, now=utcnow(), reenroll_after_days=days)
    taught_by = set(teacher_ids(session, class_id=class_id))
    accounts = teacher_accounts(session)
    return render(
        request,
        "class.html",
        staff=staff,
        zone=zone,
        status_code=status_code,
        error=error,
        cls=cls,
        students=students,
        stale=sum(1 for s in students if s.needs_reenrollment),
        stale_days=days,
        sessions=sessions_of_class(session, class_id=class_id, start=today, end=today),
        teachers=[a for a in accounts if a.id in taught_by],
        accounts=accounts,
        taught_by=taught_by,
    )


@router.post(
    "/classes/{class_id}/import/preview", dependencies=[need(Permission.MANAGE_CLASSES, page=True)]
)
def import_preview(
    class_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    cls = get_class(session, class_id=class_id)
    try:
        if file is None:
            raise _no_file()
        sheet = read_class_list(
            read_upload(file, max_bytes=services.settings.limits.max_upload_bytes)
        )
    except (DomainError, ImageRejected) as exc:
        message = exc.message if isinstance(exc, DomainError) else _too_large(services)
        return _class_view(
            request, session, services, staff, class_id, error=message, status_code=status_for(exc)
        )
    rows = sheet.rows
    preview = preview_class_list(session, class_id=class_id, rows=rows)
    return render(
        request,
        "class_import_preview.html",
        staff=staff,
        cls=cls,
        preview=preview,
        created=preview.count(ClassRowStatus.CREATE),
        updated=preview.count(ClassRowStatus.UPDATE),
        rejected=preview.count(ClassRowStatus.REJECT),
        unused=sheet.unused,
        # The rows travel back with the confirmation and are judged again then: nothing is
        # stored between the two steps (as the roster import).
        rows_json=json.dumps([asdict(r) for r in rows], ensure_ascii=False),
    )


@router.post(
    "/classes/{class_id}/import/confirm", dependencies=[need(Permission.MANAGE_CLASSES, page=True)]
)
def import_confirm(
    class_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    rows: Text = "",
) -> Response:
    get_class(session, class_id=class_id)
    try:
        import_class_list(session, class_id=class_id, rows=_rows(rows), actor=staff.actor)
    except DomainError as exc:
        session.rollback()
        return _class_view(
            request,
            session,
            services,
            staff,
            class_id,
            error=exc.message,
            status_code=status_for(exc),
        )
    return RedirectResponse(f"/classes/{class_id}?ok=class_imported", status_code=303)


def teacher_accounts(session: Session) -> list[StaffAccount]:
    return list(
        session.scalars(
            select(StaffAccount)
            .where(StaffAccount.role == TEACHER, StaffAccount.disabled_at.is_(None))
            .order_by(StaffAccount.display_name, StaffAccount.id)
        )
    )


def teacher_choice(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Invalid(
            "Lựa chọn giáo viên không hợp lệ. A choice of teacher is not valid.",
            code="NOT_A_TEACHER",
        ) from None


def _too_large(services: Services) -> str:
    size = format_bytes(services.settings.limits.max_upload_bytes)
    return f"Tệp vượt quá {size}. The file exceeds {size}."


def _no_file() -> Invalid:
    return Invalid(
        "Chưa chọn tệp danh sách lớp. No class list file was chosen.", code="INVALID_REQUEST"
    )


def _rows(text: str) -> list[ClassListRow]:
    try:
        items = json.loads(text)
        if not isinstance(items, list) or len(items) > MAX_ROWS:
            raise ValueError("not a list of rows")
        return [
            ClassListRow(
                line=int(item["line"]),
                student_code=str(item["student_code"]),
                full_name=str(item["full_name"]),
                date_of_birth=str(item.get("date_of_birth") or ""),
                guardian_name=str(item.get("guardian_name") or ""),
                relation=str(item.get("relation") or ""),
                phone=str(item.get("phone") or ""),
                email=str(item.get("email") or ""),
            )
            for item in items
        ]
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError):
        raise Invalid(
            "Dữ liệu xác nhận bị hỏng; hãy tải tệp lên lại. "
            "The confirmation data is damaged; upload the file again.",
            code="ROSTER_UNREADABLE",
        ) from None
