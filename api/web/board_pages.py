"""The live board for the room's big screen, and its event stream."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response, StreamingResponse

from api.cookies import session_key
from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.link_reach import unreachable
from api.web.live import SlotStream, board_events, snapshot_json
from api.web.render import render
from attendance.board import board_snapshot, board_version
from attendance.board_links import check_board_link, issue_board_link
from attendance.documents.service import documents
from attendance.documents.views import AUDIENCE_PUBLIC
from attendance.errors import DomainError
from attendance.meetings import get_meeting
from attendance.permissions import BOARD_LINK, SESSION, Permission, Principal, authorize
from attendance.staff.sessions import staff_for

router = APIRouter(include_in_schema=False)


def board_viewer(principal: PrincipalDep) -> Principal | None:
    """A signed-in staff member, or None for the room's screen with this meeting's board link
    (`need(..., board_link=True)` checked which)."""
    return None if principal.kind == BOARD_LINK else principal


ViewerDep = Annotated[Principal | None, Depends(board_viewer)]


@router.get(
    "/board/{meeting_id}", dependencies=[need(Permission.READ_MEETINGS, page=True, board_link=True)]
)
def board_page(
    meeting_id: int, request: Request, session: SessionDep, services: ServicesDep, staff: ViewerDep
) -> Response:
    snapshot = board_snapshot(session, meeting_id=meeting_id)
    zone = services.settings.timezone
    key = request.query_params.get("key")
    # The room sees the public ones only, whoever opened the screen (staff too: it is shown
    # to the hall). Listing is no read: only a download is recorded.
    public = documents(session, meeting_id=meeting_id, audience=AUDIENCE_PUBLIC)
    return render(
        request,
        "board.html",
        staff=staff,
        zone=zone,
        snapshot=snapshot,
        board_key=key,
        public_documents=public,
    )


@router.post(
    "/meetings/{meeting_id}/board-link", dependencies=[need(Permission.MANAGE_MEETINGS, page=True)]
)
def new_board_link(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    """A read-only address for the room's screen; the previous one stops working."""
    key = issue_board_link(session, meeting_id=meeting_id, actor=staff.actor)
    base = services.settings.public_url or str(request.base_url)
    url = f"{base.rstrip('/')}/board/{meeting_id}?{urlencode({'key': key})}"
    meeting = get_meeting(session, meeting_id=meeting_id)
    reach = unreachable(url, services.settings)
    response = render(
        request, "board_link.html", staff=staff, meeting=meeting, url=url, reach=reach
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(
    "/board/{meeting_id}/stream",
    dependencies=[need(Permission.READ_MEETINGS, page=True, board_link=True)],
)
def board_stream(
    meeting_id: int, request: Request, services: ServicesDep, staff: ViewerDep
) -> StreamingResponse:
    # No request-scoped unit of work: nothing may fail after the slot is taken, below.
    with services.sessions() as session:
        get_meeting(session, meeting_id=meeting_id)
    zone = ZoneInfo(services.settings.timezone)
    board_key = request.query_params.get("key")
    staff_key = session_key(request)
    credential = board_key or staff_key
    assert credential is not None  # board_viewer let the request through

    def still_allowed() -> bool:
        # The same checks as at the start, without counting a failure against the screen.
        with services.sessions() as s:
            try:
                if board_key:
                    check_board_link(s, meeting_id=meeting_id, key=board_key)
                else:
                    # Signed in still, and still allowed (a role changed, an assignment ended).
                    now = staff_for(s, key=staff_key)
                    again = Principal(role=now.role, actor=now.actor, kind=SESSION)
                    again = replace(again, account_id=now.account_id)
                    authorize(s, again, Permission.READ_MEETINGS, meeting_id=meeting_id)
            except DomainError:
                return False
        return True

    def read_version() -> object:
        with services.sessions() as s:
            return board_version(s, meeting_id=meeting_id)

    def read_snapshot() -> dict[str, object]:
        with services.sessions() as s:
            return snapshot_json(board_snapshot(s, meeting_id=meeting_id), zone)

    slot = services.streams.acquire(credential)  # last: nothing below can fail and leak it
    return SlotStream(
        board_events(
            read_version=read_version,
            read_snapshot=read_snapshot,
            is_disconnected=request.is_disconnected,
            still_allowed=still_allowed,
            recheck_seconds=services.settings.streams.recheck_seconds,
        ),
        slot=slot,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
