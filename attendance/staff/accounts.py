"""Staff accounts: create, list, change (role, name, disabled, password) and check a sign-in.

Changing a password or disabling an account ends its sign-in sessions; a disabled account's
personal tokens are refused (attendance/tokens.authenticate); a personal token's role follows
its account's. The last enabled admin can be neither disabled nor demoted.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from attendance.orm import MAX_ID, ApiToken, utcnow
from attendance.staff.passwords import (
    check_password_rules,
    hash_password,
    needs_rehash,
    password_matches,
)
from attendance.staff.tables import StaffAccount, StaffSession
from attendance.text import clean_text
from attendance.tokens import ACCOUNT_ROLES, ADMIN

logger = logging.getLogger(__name__)

USERNAME = re.compile(r"[a-z0-9._-]{3,64}")
BAD_SIGN_IN = "Tên đăng nhập hoặc mật khẩu không đúng. The username or the password is not right."


def normalise_username(username: str) -> str:
    """Lower-cased; 3 to 64 of a-z, 0-9, dot, underscore and hyphen."""
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise Invalid(
            "Tên đăng nhập cần 3 đến 64 ký tự, chỉ gồm chữ a-z không dấu, số, dấu chấm, gạch "
            "dưới và gạch ngang. A username has 3 to 64 characters: a-z, 0-9, '.', '_', '-'.",
            code="INVALID_USERNAME",
        )
    return name


def account_label(account: StaffAccount) -> str:
    """How the audit log and the pages name an account: 'Nguyễn Thị Thu (thu.nt)'."""
    return f"{account.display_name} ({account.username})"[:100]


def create_account(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    actor: str,
) -> StaffAccount:
    name = normalise_username(username)
    _check_role(role)
    shown = _display_name(display_name) or name
    if find_account(session, username=name) is not None:
        raise Conflict(
            f"Tên đăng nhập {name!r} đã có người dùng. The username {name!r} is already taken.",
            code="USERNAME_TAKEN",
        )
    check_password_rules(password, username=name)
    now = utcnow()
    account = StaffAccount(
        username=name,
        display_name=shown,
        role=role,
        password_hash=hash_password(password),
        created_at=now,
        password_changed_at=now,
    )
    session.add(account)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="account_created",
        subject=f"account:{account.id}",
        detail={"username": name, "role": role},
    )
    logger.info("staff account %d created with role %s", account.id, role)
    return account


def list_accounts(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.username)))


def any_accounts(session: Session) -> bool:
    return session.scalar(select(StaffAccount.id).limit(1)) is not None


def get_account(session: Session, *, account_id: int) -> StaffAccount:
    account = session.get(StaffAccount, account_id) if 0 < account_id <= MAX_ID else None
    if account is None:
        raise NotFound(f"Không có tài khoản số {account_id}. No account with id {account_id}.")
    return account


def find_account(session: Session, *, username: str) -> StaffAccount | None:
    return session.scalars(
        select(StaffAccount).where(StaffAccount.username == username.strip().lower())
    ).first()


def update_account(
    session: Session,
    *,
    account_id: int,
    actor: str,
    role: str | None = None,
    display_name: str | None = None,
    disabled: bool | None = None,
    password: str | None = None,
) -> StaffAccount:
    """Change what is given; each change is audited. Everything is checked before anything
    is written, so a refused request leaves the account as it was."""
    if role is not None or disabled:
        _lock_admins(session)  # before reading who is an admin: see _require_another_admin
    account = get_account(session, account_id=account_id)
    session.refresh(account)
    subject = f"account:{account.id}"
    if role is not None:
        _check_role(role)
    shown = _display_name(display_name) if display_name is not None else None
    if password is not None:
        check_password_rules(password, username=account.username)
    demoted = role is not None and role != ADMIN
    if account.role == ADMIN and account.disabled_at is None and (demoted or disabled):
        _require_another_admin(session, account)
    if shown:
        account.display_name = shown
    if role is not None and role != account.role:
        audit.record(
            session,
            actor=actor,
            action="role_changed",
            subject=subject,
            detail={"username": account.username, "from": account.role, "to": role},
        )
        account.role = role
        # Personal tokens act with the account's role: the same transaction moves them.
        session.execute(
            update(ApiToken)
            .where(ApiToken.account_id == account.id)
            .values(role=role)
            .execution_options(synchronize_session="fetch")
        )
    if disabled is not None and disabled != (account.disabled_at is not None):
        account.disabled_at = utcnow() if disabled else None
        if disabled:
            end_account_sessions(session, account_id=account.id)
        action = "account_disabled" if disabled else "account_enabled"
        audit.record(
            session,
            actor=actor,
            action=action,
            subject=subject,
            detail={"username": account.username},
        )
    if password is not None:
        _set_password(session, account, password)
        audit.record(
            session,
            actor=actor,
            action="password_changed",
            subject=subject,
            detail={"username": account.username},
        )
    session.flush()
    return account


def change_own_password(
    session: Session, *, account_id: int, old_password: str, new_password: str
) -> StaffAccount:
    """A signed-in member of staff changes their password, giving the old one first."""
    account = get_account(session, account_id=account_id)
    if not password_matches(account.password_hash, old_password):
        raise Forbidden(
            "Mật khẩu hiện tại không đúng. The current password is not right.",
            code="WRONG_PASSWORD",
        )
    return update_account(
        session, account_id=account_id, actor=account_label(account), password=new_password
    )


def verify_credentials(session: Session, *, username: str, password: str) -> StaffAccount:
    """The account behind a username and password, enabled; a wrong pair says nothing of
    which half was wrong and takes as long for a username that does not exist."""
    account = find_account(session, username=username)
    if not password_matches(account.password_hash if account else None, password):
        raise Unauthorized(BAD_SIGN_IN, code="BAD_SIGN_IN")
    assert account is not None
    if account.disabled_at is not None:
        # Told only to whoever knows the password: nobody else learns the account exists.
        raise account_disabled()
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)  # the same password, today's cost
        session.flush()
    return account


def account_disabled() -> Forbidden:
    return Forbidden(
        "Tài khoản này đã bị khóa; hãy hỏi quản trị viên. "
        "This account is disabled; ask an administrator.",
        code="ACCOUNT_DISABLED",
    )


def end_account_sessions(session: Session, *, account_id: int) -> int:
    """End every sign-in session of this account. Returns how many."""
    ended = session.execute(
        update(StaffSession)
        .where(StaffSession.account_id == account_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(ended, "rowcount", 0) or 0)


def _set_password(session: Session, account: StaffAccount, password: str) -> None:
    account.password_hash = hash_password(password)
    account.password_changed_at = utcnow()
    ended = end_account_sessions(session, account_id=account.id)
    logger.info("password of account %d changed; %d sessions ended", account.id, ended)


def _lock_admins(session: Session) -> None:
    """Hold the admins' rows until the transaction ends, so two admins disabling or demoting
    each other at once take turns and the second sees the first's change (LAST_ADMIN)
    instead of both succeeding. PostgreSQL: FOR UPDATE; SQLite (which ignores it): a write
    takes the database's one write lock."""
    admins = StaffAccount.role == ADMIN
    session.execute(
        select(StaffAccount.id).where(admins).order_by(StaffAccount.id).with_for_update()
    )
    session.execute(
        update(StaffAccount)
        .where(admins)
        .values(role=StaffAccount.role)
        .execution_options(synchronize_session=False)
    )


def _require_another_admin(session: Session, account: StaffAccount) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(StaffAccount)
        .where(
            StaffAccount.role == ADMIN,
            StaffAccount.disabled_at.is_(None),
            StaffAccount.id != account.id,
        )
    )
    if not others:
        raise Conflict(
            "Đây là quản trị viên cuối cùng còn hoạt động: hãy cho tài khoản khác quyền quản "
            "trị trước. This is the last enabled admin: make another account an admin first.",
            code="LAST_ADMIN",
        )


def _check_role(role: str) -> None:
    if role not in ACCOUNT_ROLES:
        roles = ", ".join(ACCOUNT_ROLES)
        raise Invalid(
            f"Vai trò {role!r} không có; chọn một trong: {roles}. "
            f"There is no role {role!r}; choose one of: {roles}.",
            code="INVALID_ROLE",
        )


def _display_name(value: str) -> str:
    shown = clean_text(value, field="display_name")
    if len(shown) > 200:
        raise Invalid(
            "Tên hiển thị dài quá 200 ký tự. The display name is longer than 200 characters.",
            code="TOO_LONG",
        )
    return shown
