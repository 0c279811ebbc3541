"""Wire shapes of webhooks and their deliveries (the secret is taken, never given back)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, StrictBool

from attendance.outbound import EVENTS
from attendance.webhooks.manage import DeliveryRow, events_of
from attendance.webhooks.tables import Webhook

EVENTS_TEXT = ", ".join(EVENTS)


class WebhookCreate(BaseModel):
    url: str = Field(max_length=2000, examples=["https://sms.example.vn/attendance"])
    events: list[str] = Field(max_length=10, examples=[["late", "absent"]], description=EVENTS_TEXT)
    secret: str = Field(max_length=200, description="At least 16 characters; signs every delivery.")


class WebhookUpdate(BaseModel):
    url: str | None = Field(None, max_length=2000)
    events: list[str] | None = Field(None, max_length=10, description=EVENTS_TEXT)
    secret: str | None = Field(None, max_length=200)
    disabled: StrictBool | None = None


class WebhookRead(BaseModel):
    id: int
    url: str
    events: list[str]
    disabled: bool
    created_by: str
    created_at: datetime
    disabled_at: datetime | None

    @classmethod
    def of(cls, webhook: Webhook) -> WebhookRead:
        return cls(
            id=webhook.id,
            url=webhook.url,
            events=events_of(webhook),
            disabled=webhook.disabled_at is not None,
            created_by=webhook.created_by,
            created_at=webhook.created_at,
            disabled_at=webhook.disabled_at,
        )


class DeliveryRead(BaseModel):
    id: int
    event_id: str = Field(description="The event's id: the same on every retry.")
    event: str
    status: str = Field(description="pending, delivered, failed (given up)")
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    about: str = Field("", description="whom the event told of: person and meeting, or poll")

    @classmethod
    def of(cls, row: DeliveryRow) -> DeliveryRead:
        d = row.delivery
        return cls(
            id=d.id,
            event_id=d.event_id,
            event=row.event,
            status=d.status,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            delivered_at=d.delivered_at,
            created_at=d.created_at,
            about=row.about,
        )


class PingResult(BaseModel):
    ok: bool
    status_code: int | None
    error: str | None
