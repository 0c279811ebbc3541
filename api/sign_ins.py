"""The one guard around every password check (the sign-in page, HTTP Basic for personal
tokens, a password change): throttled per address and per username, failures audited.

Each guess is counted before its password is checked (attendance/sign_in_guard.py), and no
database connection is held while argon2 runs or while another connection is awaited: many
wrong sign-ins at once neither exceed the limits nor empty the connection pool."""

from __future__ import annotations

import logging

from fastapi import Request
from sqlalchemy.orm import Session

from api.deps import client_address
from api.services import Services
from attendance.errors import Unauthorized
from attendance.shared_throttle import SharedAccountLocks, SharedThrottle
from attendance.sign_in_guard import SignInGuard
from attendance.staff.accounts import BAD_SIGN_IN, account_disabled
from attendance.staff.passwords import hash_password, needs_rehash, password_matches
from attendance.staff.tables import StaffAccount
from attendance.throttle import SIGN_IN

logger = logging.getLogger(__name__)


def check_password(
    request: Request, services: Services, session: Session, *, username: str, password: str
) -> StaffAccount:
    """The enabled account behind this username and password, in `session`. Refused (429)
    while this address has failed with too many different pairs, or this username with too
    many wrong passwords from anywhere (those being checked count already); a wrong pair
    counts against both and is audited, as is a right password for a disabled account.

    `session` (the request's) must hold no unflushed or flushed writes yet: what it read so
    far is committed first, so that its connection goes back to the pool meanwhile."""
    guard = _guard(services)
    client = client_address(request)
    if session.in_transaction():
        session.commit()  # only reads so far (callers check first): the connection goes back
    pair = f"{username.strip().lower()}\n{password}"
    held = guard.reserve(client=client, kind=SIGN_IN, username=username, credential=pair)
    # No connection held from here to the outcome: argon2 takes tens of milliseconds.
    if not password_matches(held.password_hash, password):
        guard.failed(held, username=username, reason="BAD_SIGN_IN", guess=True)
        raise Unauthorized(BAD_SIGN_IN, code="BAD_SIGN_IN")
    assert held.password_hash is not None
    fresh = hash_password(password) if needs_rehash(held.password_hash) else None
    if held.disabled:
        guard.failed(held, username=username, reason="ACCOUNT_DISABLED", guess=False)
        raise account_disabled()
    guard.succeeded(held)
    account = session.get(StaffAccount, held.account_id)
    if account is None or account.password_hash != held.password_hash:
        raise Unauthorized(BAD_SIGN_IN, code="BAD_SIGN_IN")  # changed meanwhile: try again
    if account.disabled_at is not None:
        raise account_disabled()
    if fresh is not None:
        account.password_hash = fresh  # the same password, today's cost
        session.flush()
    return account


def _guard(services: Services) -> SignInGuard:
    throttle, locks = services.throttle, services.account_locks
    if not isinstance(throttle, SharedThrottle) or not isinstance(locks, SharedAccountLocks):
        raise TypeError("sign-ins are counted in the database (api.app makes the shared ones)")
    return SignInGuard(throttle, locks)
