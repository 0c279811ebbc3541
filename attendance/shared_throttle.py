"""The throttle and the account locks kept in the database, so that several workers (or
servers) on one database count every failure together: an attacker spreading guesses over
N workers gets no more tries than against one. The rules are those of attendance/throttle.py
and attendance/staff/lockout.py; each check and each failure is a short transaction of its
own (a refused request's own transaction is rolled back, its failure must stay).

Times are the workers' clocks in seconds (time.time: the same on every machine kept in sync).
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from attendance.db import unit_of_work
from attendance.orm import utcnow
from attendance.staff.lockout import account_locked, lock_seconds_after, username_key
from attendance.throttle import credential_digest, too_many_attempts
from attendance.worker_tables import AccountLock, FailedAttempt

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
ACCOUNT = "account"  # the kind of a wrong password counted against its username
# A guess reserved before its check (attendance/sign_in_guard.py) until it proves wrong; a hex
# digest never starts so.
PENDING = "p"
_FAILED = FailedAttempt.__table__.c
# Built once, on the table (not the ORM class): every authenticated request reads it, and
# building an ORM select each time cost several times the read itself.
RECENT_GUESSES = (
    select(func.max(_FAILED.at))
    .where(
        _FAILED.kind == bindparam("kind"),
        _FAILED.subject == bindparam("subject"),
        _FAILED.at > bindparam("since"),
    )
    .group_by(_FAILED.digest)
)


class SharedThrottle:
    """`failures` different wrong credentials from one address within `window_seconds`
    block that address for that kind of credential (attendance.throttle.Throttle's rules)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        failures: int = 10,
        window_seconds: float = 60,
        clock: Clock = time.time,
    ) -> None:
        self.sessions = sessions
        self.failures = failures
        self.window = window_seconds
        self.clock = clock

    def check(self, *, client: str, kind: str, session: Session | None = None) -> None:
        """Raises TooManyAttempts while this address is blocked for this kind. `session`: the
        request's own, already open (one indexed read, no transaction of its own)."""
        if session is None:
            with unit_of_work(self.sessions) as own:
                self.check(client=client, kind=kind, session=own)
            return
        now = self.clock()
        found = session.scalars(
            RECENT_GUESSES, {"kind": kind, "subject": client[:128], "since": now - self.window}
        ).all()
        # A blocked address's guesses are refused before they count: a few rows at most.
        recent = sorted(found, reverse=True)[: self.failures]
        if len(recent) < self.failures:
            return
        # Blocked until the oldest of the latest `failures` different guesses leaves the window.
        raise too_many_attempts(math.ceil(min(recent) + self.window - now))

    def failed(self, *, client: str, kind: str, credential: str | None = None) -> None:
        """Count a failure; `credential` (what was presented) makes a repeat no new guess."""
        now = self.clock()
        named = credential if credential is not None else f"unnamed:{uuid.uuid4().hex}"
        with unit_of_work(self.sessions) as session:
            # Those past the window count no more, for any address: the table stays small.
            session.execute(
                delete(FailedAttempt).where(
                    FailedAttempt.kind == kind, FailedAttempt.at <= now - self.window
                )
            )
            session.add(
                FailedAttempt(
                    kind=kind, subject=client[:128], digest=credential_digest(named), at=now
                )
            )


class SharedAccountLocks:
    """`failures` wrong passwords for one username within `window_seconds` lock it for
    `lock_seconds`, doubling with each lock in a row up to `max_lock_seconds`; a password
    set since the lock lifts it; a success clears the count (attendance.staff.lockout)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        failures: int = 5,
        window_seconds: float = 900,
        lock_seconds: float = 60,
        max_lock_seconds: float = 900,
        clock: Clock = time.time,
    ) -> None:
        self.sessions = sessions
        self.failures = failures
        self.window = window_seconds
        self.lock_seconds = lock_seconds
        self.max_lock = max_lock_seconds
        self.clock = clock

    def check(
        self,
        username: str,
        *,
        password_changed_at: datetime | None = None,
        session: Session | None = None,
    ) -> None:
        """Raises TooManyAttempts (429, ACCOUNT_LOCKED) while this username is locked.
        `session`: an open one to read (and lift a moot lock) in, else a transaction of its own."""
        if session is None:
            with unit_of_work(self.sessions) as own:
                self.check(username, password_changed_at=password_changed_at, session=own)
            return
        now = self.clock()
        lock = session.get(AccountLock, username_key(username))
        if lock is None or lock.locked_until <= now:
            return
        if password_changed_at is not None and password_changed_at > lock.locked_at:
            session.delete(lock)  # a new password was set: the lock is moot
            return
        raise account_locked(math.ceil(lock.locked_until - now))

    def failed(self, username: str) -> None:
        try:
            self._failed(username_key(username))
        except IntegrityError:  # another worker locked it at the same moment: locked
            logger.info("a username was locked by another worker at the same time")

    def _failed(self, key: str) -> None:
        now = self.clock()
        with unit_of_work(self.sessions) as session:
            session.execute(
                delete(FailedAttempt).where(
                    FailedAttempt.kind == ACCOUNT, FailedAttempt.at <= now - self.window
                )
            )
            session.add(FailedAttempt(kind=ACCOUNT, subject=key, digest=uuid.uuid4().hex, at=now))
            session.flush()
            self.lock_if_due(session, key)

    def lock_if_due(self, session: Session, key: str) -> None:
        """Lock `key` (a username_key) once it holds `failures` wrong passwords; they are
        then forgotten (the lock counts them)."""
        now = self.clock()
        counted = (
            FailedAttempt.kind == ACCOUNT,
            FailedAttempt.subject == key,
            FailedAttempt.digest.not_like(f"{PENDING}%"),  # not those still being checked
        )
        recent = session.scalar(select(func.count()).select_from(FailedAttempt).where(*counted))
        if (recent or 0) < self.failures:
            return
        lock = session.get(AccountLock, key)
        if lock is None:
            lock = AccountLock(username=key, locked_until=now, locked_at=utcnow(), locks=0)
            session.add(lock)
        elif now - lock.locked_until > 2 * self.max_lock:
            lock.locks = 0  # long quiet since the last lock: start again at the first
        seconds = lock_seconds_after(
            lock.locks, lock_seconds=self.lock_seconds, max_lock_seconds=self.max_lock
        )
        lock.locked_until = now + seconds
        lock.locked_at = utcnow()
        lock.locks += 1
        session.execute(delete(FailedAttempt).where(*counted))
        logger.warning("a username locked for %d s after wrong passwords", seconds)

    def succeeded(self, username: str) -> None:
        key = username_key(username)
        with unit_of_work(self.sessions) as session:
            session.execute(
                delete(FailedAttempt).where(
                    FailedAttempt.kind == ACCOUNT, FailedAttempt.subject == key
                )
            )
            session.execute(delete(AccountLock).where(AccountLock.username == key))
