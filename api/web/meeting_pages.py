"""Meeting pages: the list, create and edit, one meeting's roster with manual corrections."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.errors import status_for
from api.web.forms import MeetingForm, MeetingFormDep, PersonForm, Text, parse_id, parse_time
from api.web.held_links import HeldLink
from api.web.lesson_view import lesson_view
from api.web.render import render
from api.web.voting_links import held_for_page, show_once
from attendance.board import count_statuses
from attendance.checkin import has_started, meeting_attendance
from attendance.errors import DomainError
from attendance.meetings import (
    create_meeting,
    get_meeting,
    list_meetings,
    roster_sizes,
    update_meeting,
)
from attendance.orm import utcnow
from attendance.permissions import Permission, Principal, visible_meetings
from attendance.presence import check_out
from attendance.review.service import count_pending
from attendance.roster import absence_reasons, roster_candidates
from attendance.staff.assignments import assignable_accounts, meeting_staff
from usecases.checkins import record_arrival

router = APIRouter(include_in_schema=False)


@router.get("/meetings", dependencies=[need(Permission.READ_MEETINGS, page=True, lists=True)])
def meetings_page(
    request: Request, session: SessionDep, services: ServicesDep, staff: PrincipalDep
) -> Response:
    zone = services.settings.timezone
    return _list(request, session, staff, zone, MeetingForm.blank(utcnow(), zone))


@router.post("/meetings", dependencies=[need(Permission.MANAGE_MEETINGS, page=True)])
def create(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    form: MeetingFormDep,
) -> Response:
    zone = services.settings.timezone
    try:
        v = form.values(zone)
        meeting = create_meeting(
            session,
            title=v.title,
            room=v.room,
            starts_at=v.starts_at,
            ends_at=v.ends_at,
            late_after_minutes=v.late_after_minutes,
        )
    except DomainError as exc:
        session.rollback()
        return _list(request, session, staff, zone, form, exc)
    return RedirectResponse(f"/meetings/{meeting.id}?ok=created", status_code=303)


def _list(
    request: Request,
    session: Session,
    staff: Principal,
    zone: str,
    form: MeetingForm,
    error: DomainError | None = None,
) -> Response:
    with_lessons = request.query_params.get("lessons") == "1"
    meetings = list_meetings(session, only=visible_meetings(session, staff), lessons=with_lessons)
    return render(
        request,
        "meetings.html",
        staff=staff,
        zone=zone,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        meetings=meetings,
        with_lessons=with_lessons,
        sizes=roster_sizes(session, meeting_ids=[m.id for m in meetings]),
        form=form,
    )


@router.get("/meetings/{meeting_id}", dependencies=[need(Permission.READ_MEETINGS, page=True)])
def meeting_page(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    zone = services.settings.timezone
    issued, gone = held_for_page(request, services, staff, meeting_id=meeting_id)
    page = meeting_view(request, session, zone, staff, meeting_id, issued=issued, gone=gone, q=q)
    return page  # render() marks every page no-store: the link shown is not kept


def meeting_view(
    request: Request,
    session: Session,
    zone: str,
    staff: Principal,
    meeting_id: int,
    error: DomainError | None = None,
    issued: HeldLink | None = None,
    *,
    gone: bool = False,
    q: str = "",
    new_person: PersonForm | None = None,
) -> Response:
    """The meeting's page; `q` searches people to add to the roster (diacritics optional)."""
    meeting = get_meeting(session, meeting_id=meeting_id)
    now = utcnow()
    rows = meeting_attendance(session, meeting_id=meeting_id, now=now)
    return render(
        request,
        "meeting.html",
        staff=staff,
        zone=zone,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        meeting=meeting,
        lesson=lesson_view(session, meeting_id=meeting_id),
        rows=rows,
        counts=count_statuses(rows),
        absences=absence_reasons(session, meeting_id=meeting_id),
        started=has_started(meeting, now=now),
        pending=count_pending(session, meeting_id=meeting_id),
        issued=issued,
        issued_gone=gone,
        q=q,
        candidates=roster_candidates(
            session, meeting_id=meeting_id, query=q, within=visible_meetings(session, staff)
        ),
        new_person=new_person or PersonForm(),
        assignable=assignable_accounts(session),
        assigned_ids={a.id for a in meeting_staff(session, meeting_id=meeting_id)},
        # One key per rendering: a double click sends the same correction twice, kept once.
        form_key=secrets.token_urlsafe(12),
    )


@router.get(
    "/meetings/{meeting_id}/edit", dependencies=[need(Permission.MANAGE_MEETINGS, page=True)]
)
def edit_page(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    zone = services.settings.timezone
    meeting = get_meeting(session, meeting_id=meeting_id)
    form = MeetingForm.of(meeting, zone)
    return render(request, "meeting_edit.html", staff=staff, zone=zone, meeting=meeting, form=form)


@router.post(
    "/meetings/{meeting_id}/edit", dependencies=[need(Permission.MANAGE_MEETINGS, page=True)]
)
def edit(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    form: MeetingFormDep,
) -> Response:
    zone = services.settings.timezone
    try:
        v = form.values(zone)
        update_meeting(
            session,
            meeting_id=meeting_id,
            title=v.title,
            room=v.room,
            starts_at=v.starts_at,
            ends_at=v.ends_at,
            late_after_minutes=v.late_after_minutes,
        )
    except DomainError as exc:
        session.rollback()
        meeting = get_meeting(session, meeting_id=meeting_id)
        return render(
            request,
            "meeting_edit.html",
            staff=staff,
            zone=zone,
            status_code=status_for(exc),
            error=exc.message,
            meeting=meeting,
            form=form,
        )
    return RedirectResponse(f"/meetings/{meeting_id}?ok=saved", status_code=303)


@router.post("/meetings/{meeting_id}/checkin", dependencies=[need(Permission.CHECK_IN, page=True)])
def manual_checkin(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    person_id: Text = "",
    reason: Text = "",
    key: Text = "",
    at: Text = "",
) -> Response:
    """Now, or at the arrival time typed in (a correction after the meeting): the window
    rule of every check-in applies (attendance.checkin_window)."""
    zone = services.settings.timezone
    try:
        arrival = record_arrival(
            session,
            role=staff.role,
            meeting_id=meeting_id,
            person_id=parse_id(person_id),
            source="manual",
            idempotency_key=f"manual-in:{key or secrets.token_urlsafe(12)}"[:200],
            at=parse_time(at, zone, "Giờ đến", "Arrival time") if at.strip() else None,
            note=reason[:500],
            actor=staff.actor,
            rules=services.settings.checkin.rules(),
            zone=zone,
        )
    except DomainError as exc:
        session.rollback()
        services.metrics.checkin_refused("manual", exc.code)
        return meeting_view(request, session, zone, staff, meeting_id, exc)
    result = arrival.result
    services.metrics.checked_in("manual", created=result.created)
    if arrival.voting_token is not None or arrival.voting_link_held:
        # Principal checked a voting member in: the link is theirs to hand over, shown once after
        # the redirect; or the link issued earlier still works, and the page says so.
        return show_once(
            request,
            services,
            staff,
            page=f"/meetings/{meeting_id}",
            meeting_id=meeting_id,
            person=result.event.person,
            token=arrival.voting_token,
            checked_in=True,
        )
    anchor = f"#person-{result.event.person_id}"
    return RedirectResponse(f"/meetings/{meeting_id}?ok=checked_in{anchor}", status_code=303)


@router.get(
    "/meetings/{meeting_id}/checkin", dependencies=[need(Permission.READ_MEETINGS, page=True)]
)
@router.get(
    "/meetings/{meeting_id}/checkout", dependencies=[need(Permission.READ_MEETINGS, page=True)]
)
def after_correction(meeting_id: int, staff: PrincipalDep) -> Response:
    """The address of a form post, opened again (history, a bookmark): the meeting's page."""
    return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)


@router.post(
    "/meetings/{meeting_id}/checkout", dependencies=[need(Permission.CORRECT_ATTENDANCE, page=True)]
)
def manual_checkout(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    person_id: Text = "",
    reason: Text = "",
    key: Text = "",
) -> Response:
    try:
        event, _created = check_out(
            session,
            meeting_id=meeting_id,
            person_id=parse_id(person_id),
            reason=reason[:500],
            actor=staff.actor,
            idempotency_key=f"manual-out:{key or secrets.token_urlsafe(12)}"[:200],
        )
    except DomainError as exc:
        session.rollback()
        return meeting_view(request, session, services.settings.timezone, staff, meeting_id, exc)
    anchor = f"#person-{event.person_id}"
    return RedirectResponse(f"/meetings/{meeting_id}?ok=checked_out{anchor}", status_code=303)
