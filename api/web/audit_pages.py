"""The audit log pages: one meeting's, and the whole log (/audit) with what has no meeting
(people deleted or merged) and what a deleted meeting left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.web.render import lang_param, pick_lang, render
from attendance import audit
from attendance.audit_pages import MAX_PAGE, audit_page, meeting_choices
from attendance.audit_verify import verify_chain
from attendance.audit_view import actor_text, audit_lines, source_text
from attendance.errors import Invalid
from attendance.meetings import get_meeting
from attendance.orm import MAX_ID
from attendance.permissions import Permission
from attendance.text import search_key

router = APIRouter(include_in_schema=False)


def _meeting_id(value: str) -> int | None:
    """The meeting list's first choice (all meetings) sends an empty meeting_id."""
    if not value:
        return None
    if not 1 <= int(value) <= MAX_ID:
        raise Invalid(f"Không có cuộc họp số {value}. There is no meeting {value}.", code="INVALID")
    return int(value)


def _source_words(request: Request) -> Callable[[str | None], str]:
    index = 1 if pick_lang(request) == "en" else 0

    def words(source: str | None) -> str:
        return "" if source is None else source_text(source)[index]

    return words


@router.get(
    "/meetings/{meeting_id}/audit", dependencies=[need(Permission.READ_MEETING_AUDIT, page=True)]
)
def meeting_audit_page(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    meeting = get_meeting(session, meeting_id=meeting_id)
    return render(
        request,
        "audit.html",
        staff=staff,
        zone=services.settings.timezone,
        meeting=meeting,
        lines=audit_lines(session, meeting_id=meeting_id),
        source_words=_source_words(request),
    )


@router.get("/audit", dependencies=[need(Permission.READ_AUDIT, page=True)])
def whole_audit_page(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    page: Annotated[int, Query(ge=-MAX_PAGE, le=MAX_PAGE)] = 1,
    action: Annotated[str, Query(max_length=50)] = "",
    meeting: Annotated[str, Query(alias="meeting_id", max_length=10, pattern=r"^\d*$")] = "",
    person_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    actor: Annotated[str, Query(max_length=100)] = "",
    person: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    found = audit_page(
        session,
        page=page,
        action=action,
        meeting_id=_meeting_id(meeting),
        person_id=person_id,
        actor=actor,
        person_query=person,
    )
    index = 1 if pick_lang(request) == "en" else 0
    # Sorted as read (a name, or the system in words), not as stored.
    actors = sorted(
        ((name, actor_text(name)) for name in audit.actors(session)),
        key=lambda a: (search_key(a[1][index]), a[0]),
    )

    def query(to_page: int | None = None, **changed: object) -> str:
        """This page's filters (and page), some changed: None drops one."""
        kept: dict[str, object] = {
            "action": found.action,
            "meeting_id": found.meeting_id,
            "person_id": found.person.id if found.person else None,
            "actor": found.actor,
            "person": found.person_query,
            "page": to_page,
        }
        kept.update(changed)
        return urlencode({k: v for k, v in kept.items() if v})

    if page != found.page or found.page > found.pages:  # 0, -1, past the end: the nearest
        nearest = min(found.page, found.pages)
        return RedirectResponse(f"/audit?{query(nearest)}{lang_param(request)}", status_code=303)
    return render(
        request,
        "audit_all.html",
        staff=staff,
        zone=services.settings.timezone,
        found=found,
        lines=found.lines,
        actions=audit.actions(session),
        actors=actors,
        meetings=meeting_choices(session),
        query=query,
        source_words=_source_words(request),
    )


@router.get("/audit/verify", dependencies=[need(Permission.READ_AUDIT, page=True)])
def audit_chain_page(request: Request, services: ServicesDep, staff: PrincipalDep) -> Response:
    """The chain walked now: intact (with its head, to note down elsewhere) or the first
    entry changed, removed or inserted (the same check as `attendance audit verify`)."""
    return render(
        request,
        "audit_verify.html",
        staff=staff,
        zone=services.settings.timezone,
        report=verify_chain(services.engine),
    )
