"""The agenda card on the polls page: the secretary adds the meeting's items, renames them
and puts them in order. Documents, polls, opinions and the conclusion notice hang on these
items, so the agenda is made here, where the meeting is prepared, not only by the API."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.web.forms import Text
from api.web.poll_pages import BLANK, polls_view
from attendance.agenda import add_agenda_item, move_agenda_item, rename_agenda_item
from attendance.errors import DomainError, Invalid
from attendance.permissions import Permission

router = APIRouter(include_in_schema=False)
STEPS = {"up": -1, "down": 1}


@router.post("/meetings/{meeting_id}/agenda", dependencies=[need(Permission.RUN_POLLS, page=True)])
def add(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    title: Text = "",
) -> Response:
    try:
        add_agenda_item(session, meeting_id=meeting_id, title=title)
    except DomainError as exc:
        session.rollback()
        zone = services.settings.timezone
        return polls_view(request, session, zone, staff, meeting_id, BLANK, exc, agenda_title=title)
    return _back(meeting_id, "agenda_added")


@router.post(
    "/meetings/{meeting_id}/agenda/{item_id}/rename",
    dependencies=[need(Permission.RUN_POLLS, page=True)],
)
def rename(
    meeting_id: int,
    item_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    title: Text = "",
) -> Response:
    try:
        rename_agenda_item(session, meeting_id=meeting_id, item_id=item_id, title=title)
    except DomainError as exc:
        session.rollback()
        zone = services.settings.timezone
        return polls_view(request, session, zone, staff, meeting_id, BLANK, exc)
    return _back(meeting_id, "agenda_renamed")


@router.post(
    "/meetings/{meeting_id}/agenda/{item_id}/move",
    dependencies=[need(Permission.RUN_POLLS, page=True)],
)
def move(
    meeting_id: int,
    item_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    direction: Text = "",
) -> Response:
    try:
        if direction not in STEPS:
            raise Invalid("Chọn Lên hoặc Xuống. Choose Up or Down.", code="INVALID_REQUEST")
        move_agenda_item(session, meeting_id=meeting_id, item_id=item_id, step=STEPS[direction])
    except DomainError as exc:
        session.rollback()
        zone = services.settings.timezone
        return polls_view(request, session, zone, staff, meeting_id, BLANK, exc)
    return _back(meeting_id, "agenda_moved")


def _back(meeting_id: int, done: str) -> Response:
    return RedirectResponse(f"/meetings/{meeting_id}/polls?ok={done}#agenda", status_code=303)
