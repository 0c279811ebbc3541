"""The webhooks page for admins (/webhooks): list with each one's recent deliveries (failures
visible), add, disable or enable, delete."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, SessionDep, need
from api.errors import status_for
from api.web.forms import Text
from api.web.render import lang_param, render
from attendance.errors import DomainError
from attendance.outbound import EVENTS
from attendance.permissions import Permission, Principal
from attendance.webhooks.manage import (
    create_webhook,
    delete_webhook,
    events_of,
    list_deliveries,
    list_webhooks,
    update_webhook,
)

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

ADMIN_PAGE = [need(Permission.MANAGE_WEBHOOKS, page=True)]
RECENT = 10  # deliveries shown under each webhook; the API lists more


@router.get("/webhooks", dependencies=ADMIN_PAGE)
def webhooks_page(request: Request, session: SessionDep, staff: PrincipalDep) -> Response:
    return _page(request, session, staff)


@router.post("/webhooks", dependencies=ADMIN_PAGE)
def create_webhook_form(
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    url: Text = "",
    secret: Text = "",
    events: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        create_webhook(session, url=url, events=events or [], secret=secret, actor=staff.actor)
    except DomainError as exc:
        session.rollback()
        form: dict[str, object] = {
            "url": url[:2000],
            "events": [e for e in EVENTS if e in (events or [])],
        }
        return _page(request, session, staff, failure=exc, form=form)
    return RedirectResponse(f"/webhooks?ok=webhook_created{lang_param(request)}", status_code=303)


@router.post("/webhooks/{webhook_id}/disable", dependencies=ADMIN_PAGE)
def disable_webhook_form(
    webhook_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    return _switch(request, session, staff, webhook_id=webhook_id, disabled=True)


@router.post("/webhooks/{webhook_id}/enable", dependencies=ADMIN_PAGE)
def enable_webhook_form(
    webhook_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    return _switch(request, session, staff, webhook_id=webhook_id, disabled=False)


@router.post("/webhooks/{webhook_id}/delete", dependencies=ADMIN_PAGE)
def delete_webhook_form(
    webhook_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    delete_webhook(session, webhook_id=webhook_id, actor=staff.actor)
    return RedirectResponse(f"/webhooks?ok=webhook_deleted{lang_param(request)}", status_code=303)


def _switch(
    request: Request, session: Session, staff: Principal, *, webhook_id: int, disabled: bool
) -> Response:
    update_webhook(session, webhook_id=webhook_id, actor=staff.actor, disabled=disabled)
    return RedirectResponse(f"/webhooks?ok=webhook_saved{lang_param(request)}", status_code=303)


def _page(
    request: Request,
    session: Session,
    staff: Principal,
    *,
    failure: DomainError | None = None,
    form: dict[str, object] | None = None,
) -> Response:
    hooks = list_webhooks(session)
    return render(
        request,
        "webhooks.html",
        staff=staff,
        status_code=status_for(failure) if failure else 200,
        error=failure.message if failure else None,
        webhooks=[
            (w, events_of(w), list_deliveries(session, webhook_id=w.id, limit=RECENT))
            for w in hooks
        ],
        all_events=EVENTS,
        form=form or {"url": "", "events": []},
    )
