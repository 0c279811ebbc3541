"""The audit entry of a failed sign-in: the username tried and the address, never the
password."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from attendance import audit
from attendance.orm import AuditEntry

_NOT_USERNAME = re.compile(r"[^a-z0-9._-]")


def record_failed_sign_in(
    session: Session, *, username: str, address: str, reason: str, by: str = "password"
) -> AuditEntry:
    """`reason`: the error code (BAD_SIGN_IN, ACCOUNT_DISABLED, ACCOUNT_LOCKED, ...); `by`:
    `password`, or `token` for a wrong admin token on the sign-in page (never the token)."""
    # What was typed may be anything: only username characters reach the log.
    tried = _NOT_USERNAME.sub("?", username.strip().lower()[:64]) or "?"
    detail = {"username": tried, "address": address[:100], "reason": reason}
    if by != "password":
        detail = {"by": by, "address": address[:100], "reason": reason}
    return audit.record(
        session,
        actor=tried if by == "password" else by,
        action="sign_in_failed",
        detail=detail,
    )
