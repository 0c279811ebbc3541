"""The phone page of attendance from one class photo; its script calls the class-photo API."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import PrincipalDep, SessionDep, need
from api.web.render import render
from attendance.meetings import get_meeting
from attendance.permissions import Permission

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


@router.get(
    "/meetings/{meeting_id}/class-photo", dependencies=[need(Permission.CHECK_IN, page=True)]
)
def class_photo_page(
    meeting_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    """Take or choose a photo, see the names drawn on it, tap to correct, confirm."""
    meeting = get_meeting(session, meeting_id=meeting_id)
    return render(request, "class_photo.html", staff=staff, meeting=meeting)
