"""Signing staff in and out of the web pages; the role check lives in one place."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Forbidden, Unauthorized
from attendance.orm import ApiToken, utcnow
from attendance.staff.accounts import account_label
from attendance.staff.tables import StaffAccount, StaffSession
from attendance.text import clean_text
from attendance.tokens import ACCOUNT_ROLES, authenticate

# A working day and an evening meeting; then sign in again.
SESSION_HOURS = 14
# Roles that may sign in to the pages; what each may do there is attendance/permissions.py's.
STAFF_ROLES = frozenset(ACCOUNT_ROLES)


@dataclass(frozen=True)
class Staff:
    """Who is signed in: what the pages show and what the audit log records."""

    token_id: int | None  # signed in with the bootstrap admin token
    role: str
    actor: str
    # The sign-in this is (one browser): what only this browser may see keys on it, as
    # several staff members may sign in with one token.
    session_id: int | None = None
    account_id: int | None = None  # signed in as a staff account


def sign_in(
    session: Session,
    *,
    token: str,
    label: str | None = None,
    address: str | None = None,
    now: datetime | None = None,
) -> tuple[str, Staff]:
    """Exchange the bootstrap admin token for a session key (for a cookie); shown once.
    Personal tokens are for scripts: people sign in with their username and password."""
    label = clean_text(label or "", field="label")[:100] or None
    try:
        row = authenticate(session, token=token.strip())
        if row.account_id is not None:
            raise Unauthorized("a personal token")
    except Unauthorized as exc:
        raise Unauthorized(
            "Mã đăng nhập không đúng. The sign-in token is not valid.", code="BAD_SIGN_IN"
        ) from exc
    _require_role(row.role, STAFF_ROLES)
    key = secrets.token_urlsafe(32)
    when = now or utcnow()
    record = StaffSession(
        key_sha256=_digest(key),
        token_id=row.id,
        label=label,
        created_at=when,
        expires_at=when + timedelta(hours=SESSION_HOURS),
    )
    session.add(record)
    session.flush()
    staff = _staff(row, label, record.id)
    audit.record(
        session,
        actor=staff.actor,
        action="sign_in",
        subject=f"token:{row.id}",
        detail={"address": address, "by": "token"} if address else {"by": "token"},
    )
    return key, staff


def sign_in_account(
    session: Session,
    *,
    account: StaffAccount,
    address: str | None = None,
    now: datetime | None = None,
) -> tuple[str, Staff]:
    """A session key (for a cookie) for an account whose password was just checked."""
    _require_role(account.role, STAFF_ROLES)
    key = secrets.token_urlsafe(32)
    when = now or utcnow()
    record = StaffSession(
        key_sha256=_digest(key),
        account_id=account.id,
        created_at=when,
        expires_at=when + timedelta(hours=SESSION_HOURS),
    )
    session.add(record)
    session.flush()
    staff = _account_staff(account, record.id)
    audit.record(
        session,
        actor=staff.actor,
        action="sign_in",
        subject=f"account:{account.id}",
        detail={"address": address, "by": "password"} if address else {"by": "password"},
    )
    return key, staff


def staff_for(
    session: Session,
    *,
    key: str | None,
    roles: frozenset[str] = STAFF_ROLES,
    now: datetime | None = None,
) -> Staff:
    """The signed-in staff member behind a session key, if their role is one of `roles`."""
    if not key:
        raise Unauthorized("Cần đăng nhập. Please sign in.", code="SIGN_IN_REQUIRED")
    found = session.scalars(
        select(StaffSession).where(StaffSession.key_sha256 == _digest(key))
    ).first()
    when = now or utcnow()
    if found is None or found.revoked_at is not None or found.expires_at <= when:
        raise _ended()
    if found.account is not None:
        account = found.account
        # Disabled, or a password set since this browser signed in: sign in again.
        if account.disabled_at is not None or found.created_at < account.password_changed_at:
            raise _ended()
        _require_role(account.role, roles)
        return _account_staff(account, found.id)
    if found.token is None or found.token.revoked_at is not None:
        raise _ended()
    _require_role(found.token.role, roles)
    return _staff(found.token, found.label, found.id)


def sign_out(session: Session, *, key: str | None, address: str | None = None) -> None:
    if not key:
        return
    found = session.scalars(
        select(StaffSession).where(StaffSession.key_sha256 == _digest(key))
    ).first()
    if found is not None and found.revoked_at is None:
        found.revoked_at = utcnow()
        if found.account is not None:
            audit.record(
                session,
                actor=_account_staff(found.account, found.id).actor,
                action="sign_out",
                subject=f"account:{found.account.id}",
                detail={"address": address} if address else None,
            )
        session.flush()


def _ended() -> Unauthorized:
    return Unauthorized(
        "Phiên đăng nhập đã hết hạn; hãy đăng nhập lại. The session has ended; sign in again.",
        code="SIGN_IN_REQUIRED",
    )


def _require_role(role: str, roles: frozenset[str]) -> None:
    if role not in roles:
        raise Forbidden(
            "Tài khoản này không có quyền dùng trang này. This account may not use this page."
        )


def _staff(token: ApiToken, label: str | None, session_id: int) -> Staff:
    actor = f"{token.name} ({label})" if label else token.name
    return Staff(
        token_id=token.id,
        role=token.role,
        actor=actor[:100],
        session_id=session_id,
        account_id=token.account_id,
    )


def _account_staff(account: StaffAccount, session_id: int) -> Staff:
    return Staff(
        token_id=None,
        role=account.role,
        actor=account_label(account),
        session_id=session_id,
        account_id=account.id,
    )


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
