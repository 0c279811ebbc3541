"""API tokens: stored as SHA-256 only; the admin token is set or generated once."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.errors import Unauthorized
from attendance.orm import ApiToken

ADMIN = "admin"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def ensure_admin_token(session: Session, *, configured: str | None) -> str | None:
    """Make sure an admin token exists. Returns a newly generated token (to show once)."""
    admin = session.scalars(select(ApiToken).where(ApiToken.name == ADMIN)).first()
    if configured:
        digest = hash_token(configured)
        if admin is None:
            session.add(ApiToken(name=ADMIN, role=ADMIN, token_sha256=digest))
        elif not hmac.compare_digest(admin.token_sha256, digest):
            admin.token_sha256 = digest
        session.flush()
        return None
    if admin is not None:
        return None
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(name=ADMIN, role=ADMIN, token_sha256=hash_token(token)))
    session.flush()
    return token


def authenticate(session: Session, *, token: str | None) -> ApiToken:
    message = (
        "Cần mã truy cập hợp lệ (Authorization: Bearer <token>). "
        "A valid token is required (Authorization: Bearer <token>)."
    )
    if not token:
        raise Unauthorized(message)
    found = session.scalars(
        select(ApiToken).where(ApiToken.token_sha256 == hash_token(token))
    ).first()
    if found is None:
        raise Unauthorized(message)
    return found
