"""Events for other systems (webhooks): written in the same transaction as what they tell, so
an event is published exactly when its cause is committed, and survives a restart until it is
delivered (a transactional outbox)."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from attendance.orm import Base, UTCDateTime, utcnow

logger = logging.getLogger(__name__)

ARRIVED = "arrived"  # a student or delegate checked in on time
LATE = "late"  # checked in after the late mark
ABSENT = "absent"  # not checked in by a session's cut-off
LEFT = "left"  # checked out
POLL_CLOSED = "poll_closed"
EVENTS = (ARRIVED, LATE, ABSENT, LEFT, POLL_CLOSED)


class OutboundEvent(Base):
    """One event, once; each webhook subscribed to its kind gets a delivery of it."""

    __tablename__ = "outbound_events"
    __table_args__ = ({"sqlite_autoincrement": True},)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # the order they happened in
    id: Mapped[str] = mapped_column(String(36), unique=True)  # what receivers de-duplicate by
    event: Mapped[str] = mapped_column(String(30), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[str] = mapped_column(Text)  # JSON object
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def publish(
    session: Session,
    *,
    event: str,
    data: dict[str, object],
    at: datetime | None = None,
    flush: bool = True,
) -> OutboundEvent:
    """Record `event` with its `data` (JSON-able) in the caller's transaction; flushed (unless
    `flush=False`: with the session's next flush), never committed here."""
    if event not in EVENTS:
        raise ValueError(f"unknown outbound event {event!r}")
    row = OutboundEvent(
        id=str(uuid.uuid4()),
        event=event,
        occurred_at=at or utcnow(),
        data=json.dumps(data, ensure_ascii=False, sort_keys=True, default=str),
    )
    session.add(row)
    if flush:
        session.flush()
    return row


def envelope(row: OutboundEvent) -> dict[str, object]:
    """The JSON a receiver gets: `{id, event, occurred_at, data}`."""
    return {
        "id": row.id,
        "event": row.event,
        "occurred_at": row.occurred_at.isoformat(),
        "data": json.loads(row.data),
    }
