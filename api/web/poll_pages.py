"""Poll pages for the secretary: create, open, close, the live tally (with the proxies and
voting links, whose forms are in `api.web.proxy_pages`); and the projector view of a poll's
progress and result."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.errors import status_for
from api.web.forms import parse_id
from api.web.held_links import HeldLink
from api.web.render import render
from api.web.voting_links import held_for_page
from attendance.agenda import agenda
from attendance.checkin import meeting_attendance
from attendance.errors import DomainError
from attendance.meetings import get_meeting
from attendance.permissions import Permission, Principal
from attendance.presence import present_events
from attendance.voting.membership import proxies
from attendance.voting.opinions import authored_opinions
from attendance.voting.polls import (
    PollSpec,
    close_poll,
    create_poll,
    get_poll,
    list_polls,
    open_poll,
)
from attendance.voting.summary import stored_result
from attendance.voting.tally import tally

router = APIRouter(include_in_schema=False)


class PollForm(BaseModel):
    title: str = ""
    description: str = ""
    kind: str = "motion"
    options: str = ""
    secrecy: str = "named"
    base: str = "members"
    majority: str = "absolute"
    majority_fraction: str = ""
    abstentions_in_base: str = ""
    quorum: str = "1/2"
    max_choices: str = "1"
    allow_change: str = ""
    agenda_item_id: str = ""

    def spec(self) -> PollSpec:
        lines = [line.strip() for line in self.options.splitlines() if line.strip()]
        return PollSpec(
            title=self.title,
            description=self.description,
            kind=self.kind,
            options=lines or None,
            secrecy=self.secrecy,
            base=self.base,
            majority=self.majority,
            majority_fraction=self.majority_fraction or None,
            abstentions_in_base=bool(self.abstentions_in_base),
            quorum=self.quorum,
            max_choices=parse_id(self.max_choices),
            allow_change=bool(self.allow_change),
            agenda_item_id=parse_id(self.agenda_item_id) if self.agenda_item_id.strip() else None,
        )


PollFormDep = Annotated[PollForm, Form()]
BLANK = PollForm(abstentions_in_base="on")


@router.get(
    "/meetings/{meeting_id}/polls", dependencies=[need(Permission.READ_MEETINGS, page=True)]
)
def polls_page(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    issued, gone = held_for_page(request, services, staff, meeting_id=meeting_id)
    zone = services.settings.timezone
    page = polls_view(request, session, zone, staff, meeting_id, BLANK, issued=issued, gone=gone)
    return page  # render() marks every page no-store: the link shown is not kept


def polls_view(
    request: Request,
    session: Session,
    zone: str,
    staff: Principal,
    meeting_id: int,
    form: PollForm,
    error: DomainError | None = None,
    issued: HeldLink | None = None,
    gone: bool = False,
    agenda_title: str = "",
) -> Response:
    """The polls page; `agenda_title`: what was typed in the agenda card's add form, kept
    when it is refused (api/web/agenda_pages.py)."""
    meeting = get_meeting(session, meeting_id=meeting_id)
    rows = meeting_attendance(session, meeting_id=meeting_id)
    names = {row.person.id: row.person.full_name for row in rows}
    given = proxies(session, meeting_id=meeting_id)
    # The proxy form offers names, in Vietnamese order: an absent voting member who has not
    # given a proxy yet, to a voting member present now.
    here = present_events(session, meeting_id=meeting_id)
    voters = [row.person for row in rows if row.voting]
    granted = {p.grantor_id for p in given}
    return render(
        request,
        "polls.html",
        staff=staff,
        zone=zone,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        meeting=meeting,
        polls=list_polls(session, meeting_id=meeting_id),
        members=[row.person for row in rows],
        grantors=[p for p in voters if p.id not in here and p.id not in granted],
        holders=[p for p in voters if p.id in here],
        proxies=[(names.get(p.grantor_id, "?"), names.get(p.holder_id, "?"), p) for p in given],
        form=form,
        issued=issued,
        issued_gone=gone,
        items=agenda(session, meeting_id=meeting_id),
        agenda_title=agenda_title,
    )


@router.post("/meetings/{meeting_id}/polls", dependencies=[need(Permission.RUN_POLLS, page=True)])
def create(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    form: PollFormDep,
) -> Response:
    try:
        poll = create_poll(session, meeting_id=meeting_id, spec=form.spec(), actor=staff.actor)
    except DomainError as exc:
        session.rollback()
        return polls_view(
            request, session, services.settings.timezone, staff, meeting_id, form, exc
        )
    return RedirectResponse(f"/meetings/{meeting_id}/polls/{poll.id}?ok=created", status_code=303)


@router.get(
    "/meetings/{meeting_id}/polls/{poll_id}",
    dependencies=[need(Permission.READ_MEETINGS, page=True)],
)
def poll_page(
    meeting_id: int,
    poll_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    return _poll(request, session, services.settings.timezone, staff, meeting_id, poll_id)


def _poll(
    request: Request,
    session: Session,
    zone: str,
    staff: Principal,
    meeting_id: int,
    poll_id: int,
    error: DomainError | None = None,
    template: str = "poll.html",
) -> Response:
    poll = get_poll(session, meeting_id=meeting_id, poll_id=poll_id)
    return render(
        request,
        template,
        staff=staff,
        zone=zone,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        meeting=get_meeting(session, meeting_id=meeting_id),
        poll=poll,
        tally=tally(session, poll),
        result=stored_result(poll),
        opinions=authored_opinions(session, meeting_id=meeting_id, poll_id=poll_id),
    )


@router.post(
    "/meetings/{meeting_id}/polls/{poll_id}/{action}",
    dependencies=[need(Permission.RUN_POLLS, page=True)],
)
def change_state(
    meeting_id: int,
    poll_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    if action not in ("open", "close"):
        return _poll(request, session, services.settings.timezone, staff, meeting_id, poll_id)
    try:
        if action == "open":
            open_poll(session, meeting_id=meeting_id, poll_id=poll_id, actor=staff.actor)
        else:
            close_poll(
                session,
                meeting_id=meeting_id,
                poll_id=poll_id,
                actor=staff.actor,
                master_key=services.master_key,
            )
    except DomainError as exc:
        session.rollback()
        zone = services.settings.timezone
        return _poll(request, session, zone, staff, meeting_id, poll_id, exc)
    done = "opened" if action == "open" else "closed"
    return RedirectResponse(f"/meetings/{meeting_id}/polls/{poll_id}?ok={done}", status_code=303)


@router.get(
    "/meetings/{meeting_id}/polls/{poll_id}/screen",
    dependencies=[need(Permission.READ_MEETINGS, page=True)],
)
def projector(
    meeting_id: int,
    poll_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    """For the room's projector: progress while open (numbers only), the result once closed."""
    zone = services.settings.timezone
    return _poll(request, session, zone, staff, meeting_id, poll_id, template="poll_screen.html")


def polls_refused(
    request: Request,
    session: Session,
    services: ServicesDep,
    staff: Principal,
    meeting_id: int,
    error: DomainError,
) -> Response:
    """The polls page again, saying why a form on it was refused."""
    zone = services.settings.timezone
    return polls_view(request, session, zone, staff, meeting_id, BLANK, error)
