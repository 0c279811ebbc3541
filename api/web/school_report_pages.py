"""The school attendance pages: a class's month as a table with its downloads, a student's
history, and the rates of a school's classes. The same services as the API's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.routes.school_reports import month_or_this
from api.web.render import render
from attendance.permissions import Permission
from attendance.schools.marks import CODES
from attendance.schools.rates import (
    classes_in_view,
    parse_day,
    school_month,
    school_names,
    student_history,
)
from attendance.schools.report import class_month

router = APIRouter(include_in_schema=False)
MonthQuery = Annotated[str | None, Query(max_length=20)]


@router.get("/classes/{class_id}/report", dependencies=[need(Permission.READ_CLASSES, page=True)])
def class_report_page(
    class_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    month: MonthQuery = None,
) -> Response:
    first = month_or_this(month, services.settings.timezone)
    report = class_month(session, class_id=class_id, month=first)
    return render(
        request,
        "class_report.html",
        staff=staff,
        report=report,
        month=f"{first:%Y-%m}",
        codes=CODES,
        download=f"/api/v1/classes/{class_id}/report?month={first:%Y-%m}&format=",
    )


@router.get(
    "/people/{person_id}/school-attendance",
    dependencies=[need(Permission.READ_CLASSES, page=True, lists=True)],
)
def school_attendance_page(
    person_id: int,
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
) -> Response:
    history = student_history(
        session,
        person_id=person_id,
        start=parse_day(start, field="from"),
        end=parse_day(end, field="to"),
        only_classes=classes_in_view(session, staff),
    )
    return render(request, "school_attendance.html", staff=staff, history=history)


@router.get("/schools/report", dependencies=[need(Permission.READ_CLASSES, page=True, lists=True)])
def school_report_page(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    school: Annotated[str | None, Query(max_length=200)] = None,
    month: MonthQuery = None,
) -> Response:
    first = month_or_this(month, services.settings.timezone)
    only = classes_in_view(session, staff)
    report = school_month(session, month=first, school=school, only_classes=only)
    return render(
        request,
        "school_report.html",
        staff=staff,
        report=report,
        month=f"{first:%Y-%m}",
        schools=school_names(session, only_classes=only),
    )
