"""Personal API tokens of staff accounts: shown once, stored as SHA-256, acting with the
account's current role (kept equal to it on every role change) and refused while the
account is disabled (attendance/tokens.authenticate)."""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict, Invalid, NotFound
from attendance.orm import MAX_ID, ApiToken, utcnow
from attendance.staff.accounts import account_label
from attendance.staff.tables import StaffAccount
from attendance.text import clean_text
from attendance.tokens import hash_token

logger = logging.getLogger(__name__)

MAX_LABEL = 30  # the stored name is "username: label", at most 100 characters
SEPARATOR = ": "


def token_label(token: ApiToken) -> str:
    """The name its owner gave it (stored after 'username: ', names being unique)."""
    return token.name.partition(SEPARATOR)[2] or token.name


def create_personal_token(
    session: Session, *, account: StaffAccount, name: str | None = None
) -> tuple[ApiToken, str]:
    """A new token for this account; the secret is returned once and never stored."""
    label = clean_text(name or "", field="name") or f"token-{secrets.token_hex(3)}"
    if len(label) > MAX_LABEL:
        raise Invalid(
            f"Tên mã dài quá {MAX_LABEL} ký tự. A token name has at most {MAX_LABEL} characters.",
            code="TOO_LONG",
        )
    stored = f"{account.username}{SEPARATOR}{label}"
    if session.scalar(select(ApiToken.id).where(ApiToken.name == stored)) is not None:
        raise Conflict(
            f"Bạn đã có mã tên {label!r}. You already have a token named {label!r}.",
            code="TOKEN_NAME_TAKEN",
        )
    secret = secrets.token_urlsafe(32)
    row = ApiToken(
        name=stored,
        role=account.role,
        token_sha256=hash_token(secret),
        account_id=account.id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=account_label(account),
        action="token_created",
        subject=f"account:{account.id}",
        detail={"token_id": row.id, "name": label},
    )
    return row, secret


def list_personal_tokens(session: Session, *, account_id: int) -> list[ApiToken]:
    """The account's tokens still in force, oldest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id)
        )
    )


def revoke_personal_token(
    session: Session, *, token_id: int, actor: str, account_id: int | None
) -> ApiToken:
    """Revoke a personal token: of `account_id` only, or any account's when it is None
    (an admin). Another account's token is reported as not found, not as forbidden."""
    row = session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if (
        row is None
        or row.account_id is None
        or row.revoked_at is not None
        or (account_id is not None and row.account_id != account_id)
    ):
        raise NotFound(f"Không có mã cá nhân số {token_id}. No personal token with id {token_id}.")
    row.revoked_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="token_revoked",
        subject=f"account:{row.account_id}",
        detail={"token_id": row.id, "name": token_label(row)},
    )
    return row
