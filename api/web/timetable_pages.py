"""A class's timetable page: the week's lessons, a lesson or a weekly pattern added, the
school's rules, and the excused absences of the class's students."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.web.forms import Text, parse_id
from api.web.render import lang_param, pick_lang, render
from api.web.texts import Translator
from attendance.errors import Invalid, NotFound
from attendance.names import name_sort_key
from attendance.orm import MAX_ID, Person
from attendance.permissions import Permission
from attendance.schools.classes import get_class, student_ids
from attendance.schools.excused import add_excused, list_excused, remove_excused
from attendance.schools.sessions import entered_late, rules_for, sessions_of_class
from attendance.schools.tables import ExcusedAbsence
from attendance.schools.timetable import Slot, add_pattern, add_session, set_rules
from wire.dates import out_of_range_message

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
PAGE = "/classes/{class_id}/timetable"


@router.get(PAGE, dependencies=[need(Permission.READ_CLASSES, page=True)])
def timetable(
    class_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    week: str = "",
) -> HTMLResponse:
    """The week of `week` (a date; today by default), Monday to Sunday."""
    cls = get_class(session, class_id=class_id)
    zone = services.settings.timezone
    try:
        day = date.fromisoformat(week) if week else datetime.now(ZoneInfo(zone)).date()
    except ValueError:
        day = datetime.now(ZoneInfo(zone)).date()
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    lessons = sessions_of_class(session, class_id=class_id, start=monday, end=sunday)
    rules = rules_for(session, school=cls.school)
    kids = student_ids(session, class_id=class_id)
    names = {p.id: p.full_name for p in session.query(Person).filter(Person.id.in_(kids))}
    return render(
        request,
        "timetable.html",
        staff=staff,
        cls=cls,
        monday=monday,
        sunday=sunday,
        previous=(monday - timedelta(days=7)).isoformat(),
        following=(monday + timedelta(days=7)).isoformat(),
        lessons=lessons,
        rules=rules,
        entered_late={m.id for _, m in lessons if entered_late(m, rules)},
        students=sorted(names.items(), key=lambda item: name_sort_key(item[1])),
        names=names,
        excused=list_excused(session, person_ids=kids),
        **_pattern_flash(request),
    )


def _pattern_flash(request: Request) -> dict[str, Any]:
    """After a weekly pattern: how many sessions were made and how many were already past."""
    query = request.query_params
    created, past = query.get("created", ""), query.get("past", "")
    if query.get("ok") != "pattern_added" or not (created.isdigit() and past.isdigit()):
        return {}
    key = "ok_pattern_past" if int(past) else "ok_pattern_created"
    return {"flash": Translator(pick_lang(request))(key, created=int(created), past=int(past))}


@router.post(f"{PAGE}/sessions", dependencies=[need(Permission.MANAGE_CLASSES, page=True)])
def add_one(
    class_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    day: Text = "",
    period: Text = "",
    subject: Text = "",
    room: Text = "",
    start: Text = "",
    end: Text = "",
) -> Response:
    when = _date(day)
    add_session(
        session,
        class_id=class_id,
        day=when,
        start=_time(start),
        end=_time(end),
        zone=services.settings.timezone,
        period=_period(period),
        subject=subject or None,
        room=room or None,
        actor=staff.actor,
    )
    return _back(request, class_id, "session_added", week=when)


@router.post(f"{PAGE}/pattern", dependencies=[need(Permission.MANAGE_CLASSES, page=True)])
def add_weekly(
    class_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    starts_on: Text = "",
    ends_on: Text = "",
    weekday: Text = "",
    period: Text = "",
    subject: Text = "",
    room: Text = "",
    start: Text = "",
    end: Text = "",
    skip_dates: Text = "",
) -> Response:
    first = _date(starts_on)
    slot = Slot(
        weekday=_period(weekday) or 0,
        start=_time(start),
        end=_time(end),
        period=_period(period),
        subject=subject or None,
        room=room or None,
    )
    skipped = frozenset(_date(d) for d in skip_dates.replace(";", ",").split(",") if d.strip())
    result = add_pattern(
        session,
        class_id=class_id,
        starts_on=first,
        ends_on=_date(ends_on),
        weekly=[slot],
        zone=services.settings.timezone,
        skip_dates=skipped,
        actor=staff.actor,
    )
    counts = f"&created={len(result.created)}&past={len(result.past)}"
    return _back(request, class_id, "pattern_added", week=first, extra=counts)


@router.post(f"{PAGE}/rules", dependencies=[need(Permission.MANAGE_CLASSES, page=True)])
def save_rules(
    class_id: int,
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    late_after_minutes: Text = "",
    absent_after_minutes: Text = "",
) -> Response:
    cls = get_class(session, class_id=class_id)
    set_rules(
        session,
        school=cls.school,
        late_after_minutes=_minutes(late_after_minutes),
        absent_after_minutes=_minutes(absent_after_minutes),
        actor=staff.actor,
    )
    return _back(request, class_id, "rules_saved")


@router.post(f"{PAGE}/excused", dependencies=[need(Permission.EXCUSE_ABSENCES, page=True)])
def excuse(
    class_id: int,
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    person_id: Text = "",
    starts_on: Text = "",
    ends_on: Text = "",
    reason: Text = "",
) -> Response:
    student = _student(session, class_id, parse_id(person_id))
    add_excused(
        session,
        person_id=student,
        starts_on=_date(starts_on),
        ends_on=_date(ends_on),
        reason=reason,
        actor=staff.actor,
    )
    return _back(request, class_id, "excused_added")


@router.post(
    f"{PAGE}/excused/{{excused_id}}/delete",
    dependencies=[need(Permission.EXCUSE_ABSENCES, page=True)],
)
def unexcuse(
    class_id: int, excused_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    row = session.get(ExcusedAbsence, excused_id) if 0 < excused_id <= MAX_ID else None
    if row is None:
        raise NotFound(
            f"Không có đơn xin phép số {excused_id}. No excused absence {excused_id}.",
            code="UNKNOWN_EXCUSED_ABSENCE",
        )
    student = _student(session, class_id, row.person_id)
    remove_excused(session, person_id=student, excused_id=excused_id, actor=staff.actor)
    return _back(request, class_id, "excused_removed")


def _student(session: Session, class_id: int, person_id: int) -> int:
    """The person, if a student of this class (a teacher reaches only their classes')."""
    if person_id not in student_ids(session, class_id=get_class(session, class_id=class_id).id):
        raise NotFound(
            f"Lớp không có học sinh số {person_id}. The class has no student {person_id}.",
            code="UNKNOWN_PERSON",
        )
    return person_id


def _back(
    request: Request, class_id: int, done: str, week: date | None = None, extra: str = ""
) -> Response:
    at = f"&week={week.isoformat()}" if week else ""
    target = f"/classes/{class_id}/timetable?ok={done}{at}{extra}{lang_param(request)}"
    return RedirectResponse(target, status_code=303)


def _date(text: str) -> date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            f"Ngày không hợp lệ ({text[:40]!r}). Not a valid date (YYYY-MM-DD).",
            code="INVALID_DATE",
        ) from None
    problem = out_of_range_message(datetime.combine(value, time()))
    if problem is not None:
        raise Invalid(problem, code="INVALID_DATE")
    return value


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            f"Giờ không hợp lệ ({text[:40]!r}). Not a valid time (HH:MM).", code="INVALID_TIME"
        ) from None


def _period(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise Invalid(
            "Tiết và thứ phải là số nguyên. Period and weekday must be whole numbers.",
            code="SESSION_PERIOD",
        ) from None


def _minutes(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise Invalid(
            "Số phút phải là số nguyên. Minutes must be a whole number.", code="RULES_INVALID"
        ) from None
