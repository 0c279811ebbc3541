"""The forms on the polls page that speak for delegates: proxies given and revoked, and a new
voting link for a member (shown once, after the redirect)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.web.forms import Text, parse_id
from api.web.poll_pages import polls_refused
from api.web.voting_links import show_once
from attendance.errors import DomainError, Invalid
from attendance.people import get_person
from attendance.permissions import Permission
from attendance.voting.passes import issue_pass
from attendance.voting.proxies import give_proxy, revoke_proxy

router = APIRouter(include_in_schema=False)


@router.post(
    "/meetings/{meeting_id}/proxies", dependencies=[need(Permission.EDIT_ROSTER, page=True)]
)
def add_proxy(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    grantor_id: Text = "",
    holder_id: Text = "",
    note: Text = "",
) -> Response:
    try:
        if not grantor_id.strip() or not holder_id.strip():
            raise Invalid(
                "Hãy chọn người ủy quyền (vắng) và người nhận ủy quyền (có mặt). "
                "Choose the grantor (absent) and the holder (present)."
            )
        give_proxy(
            session,
            meeting_id=meeting_id,
            grantor_id=parse_id(grantor_id),
            holder_id=parse_id(holder_id),
            actor=staff.actor,
            note=note[:500] or None,
        )
    except DomainError as exc:
        session.rollback()
        return polls_refused(request, session, services, staff, meeting_id, exc)
    return RedirectResponse(f"/meetings/{meeting_id}/polls?ok=proxy", status_code=303)


@router.post(
    "/meetings/{meeting_id}/proxies/{grantor_id}/revoke",
    dependencies=[need(Permission.EDIT_ROSTER, page=True)],
)
def remove_proxy(
    meeting_id: int,
    grantor_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    try:
        revoke_proxy(session, meeting_id=meeting_id, grantor_id=grantor_id, actor=staff.actor)
    except DomainError as exc:
        session.rollback()
        return polls_refused(request, session, services, staff, meeting_id, exc)
    return RedirectResponse(f"/meetings/{meeting_id}/polls?ok=revoked", status_code=303)


@router.post(
    "/meetings/{meeting_id}/voting-link", dependencies=[need(Permission.RUN_POLLS, page=True)]
)
def new_link(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    person_id: Text = "",
) -> Response:
    """A new link for the member chosen; shown once, with their name, after the redirect."""
    try:
        person = get_person(session, person_id=parse_id(person_id))
        token = issue_pass(session, meeting_id=meeting_id, person_id=person.id, actor=staff.actor)
    except DomainError as exc:
        session.rollback()
        return polls_refused(request, session, services, staff, meeting_id, exc)
    page = f"/meetings/{meeting_id}/polls"
    return show_once(
        request,
        services,
        staff,
        page=page,
        meeting_id=meeting_id,
        person=person,
        token=token,
        checked_in=False,
    )


@router.get(
    "/meetings/{meeting_id}/voting-link", dependencies=[need(Permission.RUN_POLLS, page=True)]
)
def after_new_link(meeting_id: int, staff: PrincipalDep) -> Response:
    """The address of the form post, opened again (history, a bookmark): the polls page."""
    return RedirectResponse(f"/meetings/{meeting_id}/polls", status_code=303)
