"""The webhooks an admin registered and one delivery row per (webhook, outbound event)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from attendance.orm import Base, UTCDateTime, utcnow

logger = logging.getLogger(__name__)

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"  # given up after the last attempt


class Webhook(Base):
    """A receiver: its URL, the event kinds it wants (a JSON list) and its signing secret.

    The secret is stored as given (not sealed): the receiver holds it too, and sealing it
    under the template keyring would lose it at the next key rotation (docs/webhooks.md)."""

    __tablename__ = "webhooks"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[str] = mapped_column(Text)  # JSON list of attendance.outbound.EVENTS
    secret: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The newest outbound event (its seq) when it was registered or last enabled: only later
    # events reach it, never those published before it existed or while it was disabled.
    cursor_seq: Mapped[int] = mapped_column(Integer, default=0)


class WebhookDelivery(Base):
    """One event for one webhook: pending until a 2xx answer, failed once given up."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_webhook_event"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str] = mapped_column(
        ForeignKey("outbound_events.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When it may be sent next; a run that claims it moves this ahead by a lease, so another
    # worker does not send it at the same time.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
