"""Webhooks over the API (admins): register, list, read, change, remove, see deliveries, ping."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import ActorDep, ServicesDep, SessionDep, need
from api.schemas_webhooks import (
    DeliveryRead,
    PingResult,
    WebhookCreate,
    WebhookRead,
    WebhookUpdate,
)
from attendance.permissions import Permission
from attendance.webhooks.delivery import ping
from attendance.webhooks.manage import (
    create_webhook,
    delete_webhook,
    get_webhook,
    list_deliveries,
    list_webhooks,
    update_webhook,
)
from attendance.webhooks.tables import DELIVERED, FAILED, PENDING

router = APIRouter(
    prefix="/webhooks", tags=["webhooks"], dependencies=[need(Permission.MANAGE_WEBHOOKS)]
)


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: WebhookCreate, session: SessionDep, actor: ActorDep) -> WebhookRead:
    """Events published from now on are delivered to it; the secret is not shown again."""
    webhook = create_webhook(
        session, url=body.url, events=body.events, secret=body.secret, actor=actor
    )
    return WebhookRead.of(webhook)


@router.get("")
def index(session: SessionDep) -> list[WebhookRead]:
    return [WebhookRead.of(w) for w in list_webhooks(session)]


@router.get("/{webhook_id}")
def read(webhook_id: int, session: SessionDep) -> WebhookRead:
    return WebhookRead.of(get_webhook(session, webhook_id=webhook_id))


@router.patch("/{webhook_id}")
def change(
    webhook_id: int, body: WebhookUpdate, session: SessionDep, actor: ActorDep
) -> WebhookRead:
    webhook = update_webhook(
        session,
        webhook_id=webhook_id,
        actor=actor,
        url=body.url,
        events=body.events,
        secret=body.secret,
        disabled=body.disabled,
    )
    return WebhookRead.of(webhook)


@router.delete("/{webhook_id}")
def remove(webhook_id: int, session: SessionDep, actor: ActorDep) -> WebhookRead:
    """Removed with its deliveries; those still pending are not sent."""
    return WebhookRead.of(delete_webhook(session, webhook_id=webhook_id, actor=actor))


@router.get("/{webhook_id}/deliveries")
def deliveries(
    webhook_id: int,
    session: SessionDep,
    status: Annotated[str | None, Query(pattern=f"^({PENDING}|{DELIVERED}|{FAILED})$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DeliveryRead]:
    """Newest first: status, attempts, the last answer or error, the next try."""
    rows = list_deliveries(session, webhook_id=webhook_id, status=status, limit=limit)
    return [DeliveryRead.of(row) for row in rows]


@router.post("/{webhook_id}/test")
def test(webhook_id: int, session: SessionDep, services: ServicesDep) -> PingResult:
    """Send a signed `ping` now and say what the receiver answered (nothing is retried)."""
    webhook = get_webhook(session, webhook_id=webhook_id)
    answer = ping(webhook, settings=services.settings.webhooks)
    return PingResult(ok=answer.ok, status_code=answer.status_code, error=answer.error)
