"""The outbox kept small: events older than the kept days, none of their deliveries still
pending, go with their deliveries (an hourly job in the server)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from attendance.db import unit_of_work
from attendance.orm import utcnow
from attendance.outbound import OutboundEvent
from attendance.webhooks.tables import PENDING, WebhookDelivery

logger = logging.getLogger(__name__)

CHUNK = 500  # rows per DELETE: a long first purge does not hold the write lock for long


def purge_outbox(session: Session, *, keep_days: int, now: datetime | None = None) -> int:
    """Delete old events that nothing waits to send; returns how many went."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    waiting = select(WebhookDelivery.id).where(
        WebhookDelivery.event_id == OutboundEvent.id, WebhookDelivery.status == PENDING
    )
    gone = 0
    while True:
        ids = session.scalars(
            select(OutboundEvent.id)
            .where(OutboundEvent.created_at < cutoff, ~waiting.exists())
            .order_by(OutboundEvent.seq)
            .limit(CHUNK)
        ).all()
        if not ids:
            break
        session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(ids)))
        session.execute(delete(OutboundEvent).where(OutboundEvent.id.in_(ids)))
        session.flush()
        gone += len(ids)
    if gone:
        logger.info("outbox: %d events older than %d days deleted", gone, keep_days)
    return gone


def purge_job(sessions: sessionmaker[Session], *, keep_days: int) -> Callable[[], int]:
    def run() -> int:
        with unit_of_work(sessions) as session:
            return purge_outbox(session, keep_days=keep_days)

    return run
