"""Delivering outbound events: fan new events out into deliveries, claim the due ones, send
them signed, and record the answer (a 2xx delivers; anything else is retried with back-off).

At least once: a delivery is sent again until a 2xx comes back, always with its event's `id`,
so a receiver de-duplicates by it. A run claims a delivery by moving its `next_attempt_at`
ahead by a lease with a conditional UPDATE, so two workers (or two runs) never send it at
the same time; a server stopped mid-send leaves it pending, sent again once the lease ends.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from attendance.db import unit_of_work
from attendance.errors import TooManyAttempts
from attendance.orm import utcnow
from attendance.outbound import OutboundEvent, envelope
from attendance.settings import WebhookSettings
from attendance.webhooks.manage import events_of
from attendance.webhooks.sending import Answer, Claimed, pings_running, send
from attendance.webhooks.signing import body_of
from attendance.webhooks.tables import DELIVERED, FAILED, PENDING, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

PING = "ping"  # a test delivery an admin asks for; not an outbound event
LEASE_MARGIN_SECONDS = 30.0  # beyond the send timeout, before another run may try it again
SENDERS = 4  # webhooks sent to side by side in one run


def retry_delay(attempts: int, schedule: Sequence[float]) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: the schedule, its last step
    repeated."""
    return float(schedule[min(max(attempts, 1), len(schedule)) - 1])


def fan_out(session: Session, *, now: datetime | None = None, limit: int = 1000) -> int:
    """A pending delivery for each enabled webhook of each event of a kind it subscribes to,
    published since it was registered (or re-enabled), that it has none of yet; returns how
    many were added. Asked afresh each run (not from a moving cursor), so an event whose
    transaction committed late is not passed over."""
    at = now or utcnow()
    added = 0
    for webhook in session.scalars(select(Webhook).where(Webhook.disabled_at.is_(None))):
        have = select(WebhookDelivery.id).where(
            WebhookDelivery.webhook_id == webhook.id,
            WebhookDelivery.event_id == OutboundEvent.id,
        )
        new = session.scalars(
            select(OutboundEvent.id)
            .where(
                OutboundEvent.seq > webhook.cursor_seq,
                OutboundEvent.event.in_(events_of(webhook)),
                ~have.exists(),
            )
            .order_by(OutboundEvent.seq)
            .limit(limit)
        ).all()
        for event_id in new:
            session.add(
                WebhookDelivery(webhook_id=webhook.id, event_id=event_id, next_attempt_at=at)
            )
        added += len(new)
    session.flush()
    return added


def claim_due(
    session: Session, *, limit: int, lease_seconds: float, now: datetime | None = None
) -> list[Claimed]:
    """Take up to `limit` due pending deliveries of enabled webhooks: each moved ahead by the
    lease only if no one else moved it first (the conditional UPDATE decides)."""
    at = now or utcnow()
    due = session.execute(
        select(WebhookDelivery, Webhook, OutboundEvent)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .join(OutboundEvent, OutboundEvent.id == WebhookDelivery.event_id)
        .where(
            WebhookDelivery.status == PENDING,
            WebhookDelivery.next_attempt_at <= at,
            Webhook.disabled_at.is_(None),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    claimed = []
    for delivery, webhook, event in due:
        taken = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery.id,
                WebhookDelivery.status == PENDING,
                WebhookDelivery.next_attempt_at == delivery.next_attempt_at,
            )
            .values(next_attempt_at=at + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(
                Claimed(
                    delivery.id,
                    webhook.url,
                    webhook.secret,
                    event.event,
                    body_of(envelope(event)),
                    webhook.id,
                )
            )
    session.flush()
    return claimed


def release(session: Session, delivery_ids: Sequence[int], *, now: datetime | None = None) -> None:
    """Give claimed deliveries back unsent: due again at once (the next run takes them)."""
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(delivery_ids), WebhookDelivery.status == PENDING)
        .values(next_attempt_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )


def record(
    session: Session,
    *,
    delivery_id: int,
    answer: Answer,
    settings: WebhookSettings,
    now: datetime | None = None,
) -> WebhookDelivery | None:
    """Delivered on a 2xx; otherwise the attempt counted, the next one scheduled, or given
    up (failed) after the last allowed attempt or age."""
    at = now or utcnow()
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != PENDING:
        return delivery  # removed with its webhook meanwhile
    delivery.attempts += 1
    delivery.last_status_code = answer.status_code
    if answer.ok:
        delivery.status = DELIVERED
        delivery.delivered_at = at  # last_error stays: the failures before it stay visible
    else:
        delivery.last_error = answer.error
        age = at - delivery.created_at
        if delivery.attempts >= settings.max_attempts or age >= timedelta(
            hours=settings.give_up_hours
        ):
            delivery.status = FAILED
            logger.warning(
                "webhook delivery %d given up after %d attempts: %s",
                delivery.id,
                delivery.attempts,
                answer.error,
            )
        else:
            wait = retry_delay(delivery.attempts, settings.retry_seconds)
            delivery.next_attempt_at = at + timedelta(seconds=wait)
    session.flush()
    return delivery


def delivery_job(
    sessions: sessionmaker[Session],
    settings: WebhookSettings,
    *,
    clock: Callable[[], float] = time.time,
) -> Callable[[], int]:
    """The job the scheduler runs: fan out, claim, send (outside any transaction, so a slow
    receiver holds no lock), record each answer; returns how many were sent.

    Each webhook's deliveries go in order on a worker of a small pool, the webhooks side by
    side, so a receiver that hangs delays only its own: each attempt ends at its deadline,
    and after an attempt with no answer its other deliveries go back for the next run."""

    def send_all(items: list[Claimed]) -> int:
        for sent, item in enumerate(items, start=1):
            answer = send(item, timestamp=int(clock()), timeout_seconds=settings.timeout_seconds)
            with unit_of_work(sessions) as session:
                record(session, delivery_id=item.delivery_id, answer=answer, settings=settings)
            if answer.status_code is None and sent < len(items):
                # No answer (it hangs or is down): the rest of its batch goes to the next run.
                with unit_of_work(sessions) as session:
                    release(session, [rest.delivery_id for rest in items[sent:]])
                return sent
        return len(items)

    def run() -> int:
        try:
            with unit_of_work(sessions) as session:
                fan_out(session)
        except IntegrityError:
            # Every worker runs this job: another fanned the same events out at the same
            # moment, and its deliveries stand (one per webhook and event); claim among them.
            logger.debug("webhook fan-out met another worker's; its deliveries stand")
        with unit_of_work(sessions) as session:
            claimed = claim_due(
                session,
                limit=settings.batch,
                lease_seconds=settings.timeout_seconds + LEASE_MARGIN_SECONDS,
            )
        if not claimed:
            return 0
        by_webhook: dict[int, list[Claimed]] = defaultdict(list)
        for item in claimed:
            by_webhook[item.webhook_id].append(item)
        workers = min(SENDERS, len(by_webhook))
        with ThreadPoolExecutor(workers, thread_name_prefix="webhook-send") as pool:
            return sum(pool.map(send_all, by_webhook.values()))

    return run


def ping(
    webhook: Webhook, *, settings: WebhookSettings, clock: Callable[[], float] = time.time
) -> Answer:
    """Send one signed `ping` (not from the outbox, never retried) and say what came back;
    at most `sending.PINGS_AT_ONCE` run at once server-wide, others are refused (429)."""
    if not pings_running.acquire(blocking=False):
        raise TooManyAttempts(
            "Đang có lần gửi thử webhook khác chạy; hãy thử lại sau ít giây. "
            "Another webhook test is running; try again in a few seconds.",
            retry_after=math.ceil(settings.timeout_seconds),
            code="TOO_MANY_PINGS",
        )
    try:
        at = utcnow()
        body = body_of(
            {
                "id": str(uuid.uuid4()),
                "event": PING,
                "occurred_at": at.isoformat(),
                "data": {"webhook_id": webhook.id},
            }
        )
        item = Claimed(0, webhook.url, webhook.secret, PING, body, webhook.id)
        return send(item, timestamp=int(clock()), timeout_seconds=settings.timeout_seconds)
    finally:
        pings_running.release()
