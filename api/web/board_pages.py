"""The live board for the room's big screen, and its event stream."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse

from api.deps import ServicesDep, SessionDep, StaffDep
from api.web.live import board_events, snapshot_json
from api.web.render import render
from attendance.board import board_snapshot, board_version
from attendance.meetings import get_meeting

router = APIRouter(include_in_schema=False)


@router.get("/board/{meeting_id}")
def board_page(
    meeting_id: int, request: Request, session: SessionDep, services: ServicesDep, staff: StaffDep
) -> Response:
    snapshot = board_snapshot(session, meeting_id=meeting_id)
    zone = services.settings.timezone
    return render(request, "board.html", staff=staff, zone=zone, snapshot=snapshot)


@router.get("/board/{meeting_id}/stream")
def board_stream(
    meeting_id: int, request: Request, session: SessionDep, services: ServicesDep, staff: StaffDep
) -> StreamingResponse:
    get_meeting(session, meeting_id=meeting_id)
    zone = ZoneInfo(services.settings.timezone)

    def read_version() -> object:
        with services.sessions() as s:
            return board_version(s, meeting_id=meeting_id)

    def read_snapshot() -> dict[str, object]:
        with services.sessions() as s:
            return snapshot_json(board_snapshot(s, meeting_id=meeting_id), zone)

    return StreamingResponse(
        board_events(
            read_version=read_version,
            read_snapshot=read_snapshot,
            is_disconnected=request.is_disconnected,
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
