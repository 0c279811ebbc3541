"""API tokens: stored as SHA-256 only; the admin token is set or generated once."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from attendance.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from attendance.orm import MAX_ID, ApiToken, utcnow
from attendance.staff.tables import StaffAccount, StaffSession
from attendance.text import clean_text

logger = logging.getLogger(__name__)

ADMIN = "admin"
KIOSK = "kiosk"
# The roles of staff accounts (attendance/permissions.py says what each may do).
SECRETARY = "secretary"
TEACHER = "teacher"
VIEWER = "viewer"
ACCOUNT_ROLES = (ADMIN, SECRETARY, TEACHER, VIEWER)


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
            ended = end_sessions(session, token_id=admin.id)
            logger.info("admin token replaced; %d sign-in sessions ended with it", ended)
        session.flush()
        return None
    if admin is not None:
        return None
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(name=ADMIN, role=ADMIN, token_sha256=hash_token(token)))
    session.flush()
    return token


def end_sessions(session: Session, *, token_id: int) -> int:
    """End every sign-in session made with this token: its secret changed or it was revoked,
    and a session must not outlive the credential it was opened with. Returns how many."""
    ended = session.execute(
        update(StaffSession)
        .where(StaffSession.token_id == token_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(ended, "rowcount", 0) or 0)


def authenticate(session: Session, *, token: str | None) -> ApiToken:
    message = (
        "Cần mã truy cập hợp lệ (Authorization: Bearer <token>). "
        "A valid token is required (Authorization: Bearer <token>)."
    )
    if not token:
        raise Unauthorized(message)
    found = session.scalars(
        select(ApiToken).where(
            ApiToken.token_sha256 == hash_token(token), ApiToken.revoked_at.is_(None)
        )
    ).first()
    if found is None:
        raise Unauthorized(message)
    if found.account_id is not None:
        # A personal token stops with its account: disabled (or gone), it is refused.
        account = session.get(StaffAccount, found.account_id)
        if account is None or account.disabled_at is not None:
            raise Unauthorized(message)
    return found


def create_kiosk_token(
    session: Session, *, name: str, room: str | None = None, gate: str | None = None
) -> tuple[ApiToken, str]:
    """A token that may read its room's gallery and post its check-ins, or, with `gate` (a
    school) instead of a room, the gallery of that school's students with a session today and
    their arrivals and departures at the gate; shown once."""
    name = clean_text(name, field="name")
    room = clean_text(room, field="room") if room else None
    gate = clean_text(gate, field="gate") if gate else None
    if not name or bool(room) == bool(gate):
        raise Invalid(
            "Cần tên và đúng một trong hai: phòng (room) hoặc cổng trường (gate). "
            "A kiosk needs a name and exactly one of a room or a school gate (gate)."
        )
    if name == ADMIN or session.scalar(select(ApiToken.id).where(ApiToken.name == name)):
        raise Conflict(f"Tên {name!r} đã được dùng. The name {name!r} is already in use.")
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        name=name, role=KIOSK, room=room or None, gate=gate or None, token_sha256=hash_token(token)
    )
    session.add(row)
    session.flush()
    return row, token


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(session: Session, *, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"Không có mã truy cập số {token_id}. No token with id {token_id}.")
    if row.role == ADMIN:
        raise Forbidden(
            "Không thu hồi mã quản trị theo cách này; hãy đặt ATTEND_ADMIN_TOKEN mới. "
            "The admin token is not revoked here; set a new ATTEND_ADMIN_TOKEN instead."
        )
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        end_sessions(session, token_id=row.id)
        session.flush()
    return row
