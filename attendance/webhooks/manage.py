"""Webhooks registered, changed, disabled and removed by an admin; their deliveries listed.
Services flush, never commit."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Invalid, NotFound
from attendance.orm import MAX_ID, utcnow
from attendance.outbound import EVENTS, OutboundEvent
from attendance.webhooks.tables import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

SECRET_MIN_LENGTH = 16
SECRET_MAX_LENGTH = 200
URL_MAX_LENGTH = 2000


def url_for_audit(url: str) -> str:
    """What the audit log keeps of a webhook URL: scheme, host (and port) and path; a query
    string or fragment may hold a receiver's token, and the log is kept for good."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def events_of(webhook: Webhook) -> list[str]:
    found: list[str] = json.loads(webhook.events)
    return found


def check_url(url: str) -> str:
    """An http(s) URL with a host; anything else (file:, ftp:, no host) is refused."""
    url = url.strip()
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise Invalid(
            "Địa chỉ webhook không được chứa tên đăng nhập hay mật khẩu (user:pass@): nó được "
            "hiển thị và ghi vào nhật ký. Bên nhận hãy kiểm tra chữ ký của từng lần gửi, hoặc "
            "đặt một mã bí mật trong đường dẫn nếu thật cần. "
            "The webhook URL must not hold a user name or password (user:pass@): it is shown "
            "and written to the audit log. Let the receiver check each delivery's signature, or "
            "put a token in the path if it must.",
            code="INVALID_WEBHOOK_URL",
        )
    if (
        len(url) > URL_MAX_LENGTH
        or parts.scheme.lower() not in ("http", "https")
        or not (parts.hostname)
    ):
        raise Invalid(
            "Địa chỉ webhook phải là một URL http:// hoặc https:// có tên máy. "
            "The webhook URL must be an http:// or https:// URL with a host.",
            code="INVALID_WEBHOOK_URL",
        )
    return url


def check_events(events: Sequence[str]) -> list[str]:
    """A non-empty subset of the outbound events, in their catalog order."""
    unknown = sorted(set(events) - set(EVENTS))
    if not events or unknown:
        raise Invalid(
            f"Chọn ít nhất một sự kiện trong {', '.join(EVENTS)}"
            + (f" (không có: {', '.join(unknown)})" if unknown else "")
            + f". Choose at least one event of {', '.join(EVENTS)}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else "")
            + ".",
            code="INVALID_WEBHOOK_EVENTS",
        )
    return [e for e in EVENTS if e in set(events)]


def check_secret(secret: str) -> str:
    if not SECRET_MIN_LENGTH <= len(secret) <= SECRET_MAX_LENGTH or not secret.isprintable():
        raise Invalid(
            f"Khóa bí mật của webhook phải có từ {SECRET_MIN_LENGTH} đến {SECRET_MAX_LENGTH} "
            f"ký tự in được. The webhook secret must have {SECRET_MIN_LENGTH} to "
            f"{SECRET_MAX_LENGTH} printable characters.",
            code="WEAK_WEBHOOK_SECRET",
        )
    return secret


def create_webhook(
    session: Session, *, url: str, events: Sequence[str], secret: str, actor: str
) -> Webhook:
    """Register a receiver; it gets the events published from now on, not those before."""
    newest = session.scalar(select(func.max(OutboundEvent.seq))) or 0
    webhook = Webhook(
        url=check_url(url),
        events=json.dumps(check_events(events)),
        secret=check_secret(secret),
        created_by=actor,
        cursor_seq=newest,
    )
    session.add(webhook)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="webhook_created",
        subject=f"webhook:{webhook.id}",
        detail={"url": url_for_audit(webhook.url), "events": events_of(webhook)},
    )
    return webhook


def list_webhooks(session: Session) -> list[Webhook]:
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def get_webhook(session: Session, *, webhook_id: int) -> Webhook:
    webhook = session.get(Webhook, webhook_id) if 0 < webhook_id <= MAX_ID else None
    if webhook is None:
        raise NotFound(
            f"Không có webhook số {webhook_id}. There is no webhook {webhook_id}.",
            code="WEBHOOK_NOT_FOUND",
        )
    return webhook


def update_webhook(
    session: Session,
    *,
    webhook_id: int,
    actor: str,
    url: str | None = None,
    events: Sequence[str] | None = None,
    secret: str | None = None,
    disabled: bool | None = None,
) -> Webhook:
    """Change what is given; disabling stops new deliveries (those pending wait), enabling
    resumes them. Events published while it was disabled are not delivered to it."""
    webhook = get_webhook(session, webhook_id=webhook_id)
    changed: dict[str, object] = {}
    if url is not None:
        webhook.url = check_url(url)
        changed["url"] = url_for_audit(webhook.url)
    if events is not None:
        webhook.events = json.dumps(check_events(events))
        changed["events"] = events_of(webhook)
    if secret is not None:
        webhook.secret = check_secret(secret)
        changed["secret"] = "changed"
    if disabled is not None and disabled != (webhook.disabled_at is not None):
        webhook.disabled_at = utcnow() if disabled else None
        if not disabled:
            webhook.cursor_seq = session.scalar(select(func.max(OutboundEvent.seq))) or 0
        changed["disabled"] = disabled
    session.flush()
    if changed:
        audit.record(
            session,
            actor=actor,
            action="webhook_changed",
            subject=f"webhook:{webhook.id}",
            detail=changed,
        )
    return webhook


def delete_webhook(session: Session, *, webhook_id: int, actor: str) -> Webhook:
    """Remove a receiver and its deliveries (pending ones are not sent)."""
    webhook = get_webhook(session, webhook_id=webhook_id)
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id))
    session.delete(webhook)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="webhook_deleted",
        subject=f"webhook:{webhook_id}",
        detail={"url": url_for_audit(webhook.url)},
    )
    return webhook


@dataclass(frozen=True)
class DeliveryRow:
    delivery: WebhookDelivery
    event: str  # the event's kind
    about: str = ""  # who or what it told of: "person · meeting", or the poll's title


def _about(data: str) -> str:
    """A line naming whom an event was about, from its JSON (attendance/outbound_data.py)."""
    try:
        body = json.loads(data)
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""

    def part(name: str, key: str) -> object:
        value = body.get(name)
        return value.get(key) if isinstance(value, dict) else None

    found = (part("person", "full_name"), part("poll", "title"), part("meeting", "title"))
    return " · ".join(str(p) for p in found if p)


def list_deliveries(
    session: Session, *, webhook_id: int, status: str | None = None, limit: int = 100
) -> list[DeliveryRow]:
    """A webhook's deliveries, newest first (with their event's kind and whom it was about)."""
    get_webhook(session, webhook_id=webhook_id)
    statement = (
        select(WebhookDelivery, OutboundEvent.event, OutboundEvent.data)
        .join(OutboundEvent, OutboundEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if status is not None:
        statement = statement.where(WebhookDelivery.status == status)
    return [DeliveryRow(d, kind, _about(data)) for d, kind, data in session.execute(statement)]
