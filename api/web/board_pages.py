"""The live board for the room's big screen, and its event stream."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response, StreamingResponse

from api.cookies import session_key
from api.deps import ServicesDep, SessionDep, StaffDep, attempt, require_staff
from api.link_reach import unreachable
from api.web.live import SlotStream, board_events, snapshot_json
from api.web.render import render
from attendance.board import board_snapshot, board_version
from attendance.board_links import check_board_link, issue_board_link
from attendance.errors import DomainError, Forbidden
from attendance.meetings import get_meeting
from attendance.staff.sessions import Staff, staff_for
from attendance.throttle import BOARD_KEY

router = APIRouter(include_in_schema=False)


def board_viewer(meeting_id: int, request: Request, services: ServicesDep) -> Staff | None:
    """A signed-in staff member, or the room's screen with this meeting's board link."""
    key = request.query_params.get("key")
    if key:
        with (
            services.sessions() as session,
            attempt(request, services, BOARD_KEY, credential=key, failures=(Forbidden,)),
        ):
            check_board_link(session, meeting_id=meeting_id, key=key)
        return None
    return require_staff()(request, services)


ViewerDep = Annotated[Staff | None, Depends(board_viewer)]


@router.get("/board/{meeting_id}")
def board_page(
    meeting_id: int, request: Request, session: SessionDep, services: ServicesDep, staff: ViewerDep
) -> Response:
    snapshot = board_snapshot(session, meeting_id=meeting_id)
    zone = services.settings.timezone
    key = request.query_params.get("key")
    return render(request, "board.html", staff=staff, zone=zone, snapshot=snapshot, board_key=key)


@router.post("/meetings/{meeting_id}/board-link")
def new_board_link(
    meeting_id: int, request: Request, session: SessionDep, services: ServicesDep, staff: StaffDep
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


@router.get("/board/{meeting_id}/stream")
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
                    staff_for(s, key=staff_key)
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
