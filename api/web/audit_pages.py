"""The audit log page: who did what, to whom, in which poll, from where, and why."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import ServicesDep, SessionDep, StaffDep
from api.web.render import pick_lang, render
from attendance.audit_view import audit_lines, source_text
from attendance.meetings import get_meeting

router = APIRouter(include_in_schema=False)


@router.get("/meetings/{meeting_id}/audit")
def audit_page(
    meeting_id: int, request: Request, session: SessionDep, services: ServicesDep, staff: StaffDep
) -> Response:
    meeting = get_meeting(session, meeting_id=meeting_id)
    index = 1 if pick_lang(request) == "en" else 0

    def words(source: str | None) -> str:
        return "" if source is None else source_text(source)[index]

    return render(
        request,
        "audit.html",
        staff=staff,
        zone=services.settings.timezone,
        meeting=meeting,
        lines=audit_lines(session, meeting_id=meeting_id),
        source_words=words,
    )
