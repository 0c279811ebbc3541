"""The signature a receiver checks: HMAC-SHA256 of `timestamp + "." + raw body` under the
webhook's secret, sent as `X-Attendance-Signature: sha256=<hex>` (docs/webhooks.md)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

logger = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-Attendance-Timestamp"
SIGNATURE_HEADER = "X-Attendance-Signature"
EVENT_HEADER = "X-Attendance-Event"
DELIVERY_HEADER = "X-Attendance-Delivery"


def body_of(envelope: dict[str, object]) -> bytes:
    """The bytes sent (and signed): compact UTF-8 JSON, keys sorted."""
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, f"{timestamp}." + body)."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    *, secret: str, timestamp: int, body: bytes, event: str, delivery_id: int
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
    }
