"""Roster edits on the meeting page, one person at a time, and deleting a meeting."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.errors import status_for
from api.web.forms import PersonFormDep, Text, parse_id
from api.web.meeting_pages import meeting_view
from api.web.render import render
from attendance.errors import DomainError
from attendance.meeting_removal import delete_meeting, meeting_contents
from attendance.meetings import get_meeting
from attendance.people import create_person
from attendance.permissions import Permission, Principal, require_person_in_view
from attendance.roster import (
    add_participant,
    remove_participant,
    set_absence_reason,
    set_voting_rights,
)

router = APIRouter(include_in_schema=False)


def _done(meeting_id: int, ok: str, person_id: int | None = None) -> RedirectResponse:
    anchor = f"#person-{person_id}" if person_id else ""
    return RedirectResponse(f"/meetings/{meeting_id}?ok={ok}{anchor}", status_code=303)


@router.post(
    "/meetings/{meeting_id}/participants", dependencies=[need(Permission.EDIT_ROSTER, page=True)]
)
def add(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    person_id: Text = "",
    observer: Text = "",
    q: Text = "",
) -> Response:
    """A person found by the search on the meeting page."""
    try:
        person = parse_id(person_id)
        require_person_in_view(session, staff, person_id=person)
        add_participant(
            session,
            meeting_id=meeting_id,
            person_id=person,
            voting_rights=not observer,
            actor=staff.actor,
        )
    except DomainError as exc:
        session.rollback()
        zone = services.settings.timezone
        return meeting_view(request, session, zone, staff, meeting_id, exc, q=q[:200])
    return _done(meeting_id, "participant_added", person)


@router.post(
    "/meetings/{meeting_id}/participants/new",
    dependencies=[need(Permission.EDIT_ROSTER, page=True)],
)
def add_new(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    form: PersonFormDep,
    observer: Text = "",
) -> Response:
    """A person nobody has entered yet: created and put on the roster at once."""
    try:
        get_meeting(session, meeting_id=meeting_id)
        person = create_person(
            session,
            full_name=form.full_name,
            title=form.title or None,
            unit=form.unit or None,
            code=form.code or None,
        )
        add_participant(
            session,
            meeting_id=meeting_id,
            person_id=person.id,
            voting_rights=not observer,
            actor=staff.actor,
        )
    except DomainError as exc:
        session.rollback()
        zone = services.settings.timezone
        return meeting_view(request, session, zone, staff, meeting_id, exc, new_person=form)
    return _done(meeting_id, "participant_added", person.id)


@router.post(
    "/meetings/{meeting_id}/participants/{person_id}/voting-rights",
    dependencies=[need(Permission.EDIT_ROSTER, page=True)],
)
def change_rights(
    meeting_id: int,
    person_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    voting_rights: Text = "",
) -> Response:
    try:
        set_voting_rights(
            session,
            meeting_id=meeting_id,
            person_id=person_id,
            voting_rights=voting_rights == "yes",
            actor=staff.actor,
        )
    except DomainError as exc:
        session.rollback()
        return meeting_view(request, session, services.settings.timezone, staff, meeting_id, exc)
    return _done(meeting_id, "rights_changed", person_id)


@router.post(
    "/meetings/{meeting_id}/participants/{person_id}/absence-reason",
    dependencies=[need(Permission.EDIT_ROSTER, page=True)],
)
def change_absence_reason(
    meeting_id: int,
    person_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    absence_reason: Text = "",
) -> Response:
    """Why someone stays away, typed in their roster row; an empty box clears it."""
    try:
        set_absence_reason(
            session,
            meeting_id=meeting_id,
            person_id=person_id,
            reason=absence_reason,
            actor=staff.actor,
        )
    except DomainError as exc:
        session.rollback()
        return meeting_view(request, session, services.settings.timezone, staff, meeting_id, exc)
    return _done(meeting_id, "absence_reason_saved", person_id)


@router.post(
    "/meetings/{meeting_id}/participants/{person_id}/remove",
    dependencies=[need(Permission.EDIT_ROSTER, page=True)],
)
def remove(
    meeting_id: int,
    person_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    try:
        remove_participant(session, meeting_id=meeting_id, person_id=person_id, actor=staff.actor)
    except DomainError as exc:
        session.rollback()
        return meeting_view(request, session, services.settings.timezone, staff, meeting_id, exc)
    return _done(meeting_id, "participant_removed")


@router.get(
    "/meetings/{meeting_id}/delete", dependencies=[need(Permission.MANAGE_MEETINGS, page=True)]
)
def delete_page(
    meeting_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    """The confirmation, naming what goes with the meeting."""
    return _confirmation(request, session, staff, meeting_id)


@router.post(
    "/meetings/{meeting_id}/delete", dependencies=[need(Permission.MANAGE_MEETINGS, page=True)]
)
def delete(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    services: ServicesDep,
    discard_open_polls: Text = "",
) -> Response:
    try:
        delete_meeting(
            session,
            meeting_id=meeting_id,
            actor=staff.actor,
            discard_open_polls=discard_open_polls == "yes",
            documents_root=services.documents.root,
        )
    except DomainError as exc:
        session.rollback()
        return _confirmation(request, session, staff, meeting_id, exc)
    return RedirectResponse("/meetings?ok=meeting_deleted", status_code=303)


def _confirmation(
    request: Request,
    session: Session,
    staff: Principal,
    meeting_id: int,
    error: DomainError | None = None,
) -> Response:
    meeting = get_meeting(session, meeting_id=meeting_id)
    return render(
        request,
        "meeting_delete.html",
        staff=staff,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        meeting=meeting,
        contents=meeting_contents(session, meeting_id=meeting_id),
    )
