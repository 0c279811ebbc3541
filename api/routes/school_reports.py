"""School attendance reports: a class's month (JSON, XLSX, CSV, PDF), a student's history,
the rates of a school's classes. A teacher reaches the classes they teach."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from starlette.responses import Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.download import download
from api.schemas_school_reports import (
    ClassReportRead,
    HistoryRead,
    SchoolReportRead,
    class_report_read,
    history_read,
    school_report_read,
)
from attendance.exports.class_month_files import export_class_month
from attendance.permissions import Permission
from attendance.schools.rates import classes_in_view, parse_day, school_month, student_history
from attendance.schools.report import class_month, parse_month

router = APIRouter(tags=["school reports"])

MONTH_HELP = "The month, YYYY-MM (e.g. 2026-12); this month by default."


def this_month(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date().replace(day=1)


def month_or_this(value: str | None, zone: str) -> date:
    return parse_month(value) if value else this_month(zone)


@router.get(
    "/classes/{class_id}/report",
    dependencies=[need(Permission.READ_CLASSES)],
    response_class=Response,
    responses={
        200: {
            "description": "The month's register: JSON, or the file as an attachment.",
            "model": ClassReportRead,
            "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                "text/csv": {},
                "application/pdf": {},
            },
        }
    },
)
def class_report(
    class_id: int,
    session: SessionDep,
    services: ServicesDep,
    month: Annotated[str | None, Query(max_length=20, description=MONTH_HELP)] = None,
    format: Annotated[str, Query(max_length=10, description="json, xlsx, csv or pdf")] = "json",
) -> Response:
    """Each student x each school day of the month: C present, M late, CP excused, KP
    unexcused absent, blank for no session or none past its cut-off; totals and rates."""
    zone = services.settings.timezone
    first = month_or_this(month, zone)
    if format.strip().lower() == "json":
        report = class_month(session, class_id=class_id, month=first)
        body = class_report_read(report).model_dump(mode="json", by_alias=True)
        return JSONResponse(body)
    exported = export_class_month(session, class_id=class_id, month=first, format=format, zone=zone)
    return download(exported)


@router.get(
    "/people/{person_id}/school-attendance",
    dependencies=[need(Permission.READ_CLASSES, lists=True)],
)
def school_attendance(
    person_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    start: Annotated[
        str | None, Query(alias="from", max_length=20, description="First day, YYYY-MM-DD.")
    ] = None,
    end: Annotated[
        str | None, Query(alias="to", max_length=20, description="Last day, YYYY-MM-DD.")
    ] = None,
) -> HistoryRead:
    """Every session of the student's classes between `from` and `to`, with its mark, and
    totals; a teacher sees the sessions of the classes they teach."""
    history = student_history(
        session,
        person_id=person_id,
        start=parse_day(start, field="from"),
        end=parse_day(end, field="to"),
        only_classes=classes_in_view(session, principal),
    )
    return history_read(history)


@router.get("/schools/report", dependencies=[need(Permission.READ_CLASSES, lists=True)])
def school_report(
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    school: Annotated[
        str | None, Query(max_length=200, description="The school; every school by default.")
    ] = None,
    month: Annotated[str | None, Query(max_length=20, description=MONTH_HELP)] = None,
) -> SchoolReportRead:
    """Each class's totals and attendance rate for the month, and the school's total; a
    teacher sees the classes they teach."""
    report = school_month(
        session,
        month=month_or_this(month, services.settings.timezone),
        school=school,
        only_classes=classes_in_view(session, principal),
    )
    return school_report_read(report)
