"""A kiosk token's idempotency keys are its own: stored as `k{token id}/{key}`, so another
token (a gate, another room's kiosk) can never take a key a kiosk will send and block its
check-in with 409 (attack 12b). A retry from the same kiosk still finds its key; answers
give the kiosk back the key it sent. Staff keys are stored as sent, but may not look like a
kiosk's."""

from __future__ import annotations

import logging
import re

from attendance.errors import Invalid
from attendance.permissions import Principal
from attendance.tokens import KIOSK

logger = logging.getLogger(__name__)

MAX_STORED = 200  # the key columns' length
_KIOSK_SPACE = re.compile(r"^k\d+/")


def _prefix(token: Principal) -> str | None:
    if token.role != KIOSK or token.token_id is None:
        return None
    return f"k{token.token_id}/"


def scoped_key(token: Principal, key: str) -> str:
    """The key as stored for this caller; an empty key stays empty (the server derives one)."""
    prefix = _prefix(token)
    if prefix is None:
        if _KIOSK_SPACE.match(key):
            raise Invalid(
                "idempotency_key dạng 'k<số>/...' dành cho kiosk; hãy dùng khóa khác. "
                "An idempotency_key of the form 'k<number>/...' is a kiosk's; use another.",
                code="INVALID_REQUEST",
            )
        return key
    if not key:
        return key
    stored = prefix + key
    if len(stored) > MAX_STORED:
        raise Invalid(
            f"idempotency_key quá dài (tối đa {MAX_STORED - len(prefix)} ký tự cho kiosk này). "
            f"The idempotency_key is too long (at most {MAX_STORED - len(prefix)} characters "
            "for this kiosk).",
            code="INVALID_REQUEST",
        )
    return stored


def sent_key(token: Principal, stored: str) -> str:
    """The key as this caller sent it: its own prefix taken off."""
    prefix = _prefix(token)
    if prefix is not None and stored.startswith(prefix):
        return stored[len(prefix) :]
    return stored
