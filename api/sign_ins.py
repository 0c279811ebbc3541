"""The one guard around every password check (the sign-in page, HTTP Basic for personal
tokens, a password change): throttled per address and per username, failures audited."""

from __future__ import annotations

import logging

from fastapi import Request
from sqlalchemy.orm import Session

from api.deps import client_address
from api.services import Services
from attendance.db import unit_of_work
from attendance.errors import DomainError, Unauthorized
from attendance.staff.accounts import find_account, verify_credentials
from attendance.staff.sign_in_log import record_failed_sign_in
from attendance.staff.tables import StaffAccount
from attendance.throttle import SIGN_IN

logger = logging.getLogger(__name__)


def check_password(
    request: Request, services: Services, session: Session, *, username: str, password: str
) -> StaffAccount:
    """The enabled account behind this username and password. Refused (429) while this
    address has failed with too many different pairs, or this username with too many wrong
    passwords from anywhere; a wrong pair counts against both and is audited, as is a right
    password for a disabled account."""
    client = client_address(request)
    # Refused unread while throttled: a flood of these writes nothing (the lock is logged).
    services.throttle.check(client=client, kind=SIGN_IN, session=session)
    known = find_account(session, username=username)
    changed = known.password_changed_at if known is not None else None
    services.account_locks.check(username, password_changed_at=changed)
    try:
        account = verify_credentials(session, username=username, password=password)
    except DomainError as exc:
        if isinstance(exc, Unauthorized):  # a wrong pair; a disabled account is no guess
            pair = f"{username.strip().lower()}\n{password}"
            services.throttle.failed(client=client, kind=SIGN_IN, credential=pair)
            services.account_locks.failed(username)
        _audit_failure(services, username=username, address=client, reason=exc.code)
        raise
    services.account_locks.succeeded(username)
    return account


def _audit_failure(services: Services, *, username: str, address: str, reason: str) -> None:
    # Its own transaction: the request's is rolled back with the refusal.
    with unit_of_work(services.sessions) as session:
        record_failed_sign_in(session, username=username, address=address, reason=reason)
