"""The meeting page's form that assigns teachers and viewers to the meeting."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.web.forms import parse_id
from api.web.meeting_pages import meeting_view
from attendance.errors import DomainError
from attendance.permissions import Permission
from attendance.staff.assignments import assign_staff

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


async def account_fields(request: Request) -> list[str]:
    """The ticked boxes: one `account_id` per assigned account (none: nobody assigned)."""
    form = await request.form()
    return [v for v in form.getlist("account_id") if isinstance(v, str)]


AccountsDep = Annotated[list[str], Depends(account_fields)]


@router.post(
    "/meetings/{meeting_id}/staff", dependencies=[need(Permission.MANAGE_MEETINGS, page=True)]
)
def assign(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    ticked: AccountsDep,
) -> Response:
    try:
        ids = [parse_id(v) for v in ticked]
        assign_staff(session, meeting_id=meeting_id, account_ids=ids, actor=staff.actor)
    except DomainError as exc:
        session.rollback()
        zone = services.settings.timezone
        return meeting_view(request, session, zone, staff, meeting_id, error=exc)
    return RedirectResponse(f"/meetings/{meeting_id}?ok=staff_assigned#staff", status_code=303)
