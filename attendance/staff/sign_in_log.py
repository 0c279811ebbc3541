"""The audit entry of a failed sign-in: the username tried and the address, never the
password."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from attendance import audit
from attendance.orm import AuditEntry

_NOT_USERNAME = re.compile(r"[^a-z0-9._-]")


def record_failed_sign_in(
    session: Session, *, username: str, address: str, reason: str
) -> AuditEntry:
    """`reason`: the error code (BAD_SIGN_IN, ACCOUNT_DISABLED, ACCOUNT_LOCKED, ...)."""
    # What was typed may be anything: only username characters reach the log.
    tried = _NOT_USERNAME.sub("?", username.strip().lower()[:64]) or "?"
    return audit.record(
        session,
        actor=tried,
        action="sign_in_failed",
        detail={"username": tried, "address": address[:100], "reason": reason},
    )
