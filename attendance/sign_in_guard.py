"""A password check counted before it is made: the guess is reserved (one failed attempt
against the address, one against the username) in a short transaction that first refuses
while the address is throttled or the username locked, then the password is checked with no
database connection held, then one more short transaction settles the outcome (kept and
audited when wrong, forgotten when right).

Reserving first means that guesses in flight count as failures already: N sign-ins sent at
once get no more checks than the limits allow (attack report 13, F2). The reservation is
serialised per address and per username: on PostgreSQL by transaction-scoped advisory locks,
on SQLite by the database's single writer (each transaction here writes first, so it holds the
write lock before it reads). No step holds one pooled connection while waiting for another.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from attendance.db import unit_of_work
from attendance.errors import TooManyAttempts
from attendance.shared_throttle import ACCOUNT, PENDING, SharedAccountLocks, SharedThrottle
from attendance.staff.accounts import find_account
from attendance.staff.lockout import account_locked, username_key
from attendance.staff.sign_in_log import record_failed_sign_in
from attendance.throttle import credential_digest, too_many_attempts
from attendance.worker_tables import AccountLock, FailedAttempt

logger = logging.getLogger(__name__)

# Told to a sign-in refused because as many guesses for its username are being checked right
# now as the lock allows: they end within seconds.
IN_FLIGHT_WAIT = 2


@dataclass(frozen=True)
class Reserved:
    """A guess counted, and what the check needs: read in the reserving transaction."""

    client: str
    key: str  # the username_key
    rows: tuple[int, int]  # the FailedAttempt rows: the address's, the username's
    digest: str  # the address's row's digest once the guess proves wrong
    account_id: int | None
    password_hash: str | None
    disabled: bool


class SignInGuard:
    def __init__(self, throttle: SharedThrottle, locks: SharedAccountLocks) -> None:
        self.throttle = throttle
        self.locks = locks

    def reserve(self, *, client: str, kind: str, username: str, credential: str) -> Reserved:
        """Raises TooManyAttempts (429) while the address is throttled or the username locked,
        or while as many guesses for it are in flight as the lock allows; else counts one."""
        subject, key = client[:128], username_key(username)
        with unit_of_work(self.throttle.sessions) as session:
            serialise(session, f"{kind}\n{subject}", f"{ACCOUNT}\n{key}")
            self._begin_writing(session)
            try:
                self.throttle.check(client=subject, kind=kind, session=session)
            except TooManyAttempts:
                if self._settled(session, kind, subject) < self.throttle.failures:
                    # Blocked by guesses still being checked (sign-ins behind one school
                    # address at 8 o'clock): they end within seconds, so may the wait.
                    raise too_many_attempts(IN_FLIGHT_WAIT) from None
                raise
            known = find_account(session, username=username)
            changed = known.password_changed_at if known is not None else None
            self.locks.check(username, password_changed_at=changed, session=session)
            in_flight = session.scalar(
                select(func.count())
                .select_from(FailedAttempt)
                .where(FailedAttempt.kind == ACCOUNT, FailedAttempt.subject == key)
            )
            if (in_flight or 0) >= self.locks.failures:
                raise account_locked(IN_FLIGHT_WAIT)
            now = self.throttle.clock()
            digest = PENDING + credential_digest(credential)[len(PENDING) :]
            address = FailedAttempt(kind=kind, subject=subject, digest=digest, at=now)
            account = FailedAttempt(
                kind=ACCOUNT, subject=key, digest=PENDING + uuid.uuid4().hex[1:], at=now
            )
            session.add_all([address, account])
            session.flush()
            return Reserved(
                client=client,
                key=key,
                rows=(address.id, account.id),
                digest=credential_digest(credential),
                account_id=known.id if known is not None else None,
                password_hash=known.password_hash if known is not None else None,
                disabled=known is not None and known.disabled_at is not None,
            )

    def failed(self, held: Reserved, *, username: str, reason: str, guess: bool) -> None:
        """Audit the refusal; a wrong pair (`guess`) stays counted and may lock the username,
        a right password for a disabled account is no guess: its reservation goes."""
        with unit_of_work(self.throttle.sessions) as session:
            serialise(session, f"{ACCOUNT}\n{held.key}")
            self._begin_writing(session)
            if guess:  # the address's reservation becomes its failure
                session.execute(
                    update(FailedAttempt)
                    .where(FailedAttempt.id == held.rows[0])
                    .values(digest=held.digest)
                )
                session.execute(
                    update(FailedAttempt)
                    .where(FailedAttempt.id == held.rows[1])
                    .values(digest=uuid.uuid4().hex)
                )
                self.locks.lock_if_due(session, held.key)
            else:
                session.execute(delete(FailedAttempt).where(FailedAttempt.id.in_(held.rows)))
            record_failed_sign_in(session, username=username, address=held.client, reason=reason)

    def succeeded(self, held: Reserved) -> None:
        """A right password: its reservation goes, and the username's count and lock with it."""
        with unit_of_work(self.throttle.sessions) as session:
            serialise(session, f"{ACCOUNT}\n{held.key}")
            self._begin_writing(session)
            session.execute(delete(FailedAttempt).where(FailedAttempt.id.in_(held.rows)))
            # The username's wrong passwords are forgotten; those still being checked are not.
            session.execute(
                delete(FailedAttempt).where(
                    FailedAttempt.kind == ACCOUNT,
                    FailedAttempt.subject == held.key,
                    FailedAttempt.digest.not_like(f"{PENDING}%"),
                )
            )
            session.execute(delete(AccountLock).where(AccountLock.username == held.key))

    def _settled(self, session: Session, kind: str, subject: str) -> int:
        """The address's different wrong credentials in the window, those in flight left out."""
        since = self.throttle.clock() - self.throttle.window
        return int(
            session.scalar(
                select(func.count(func.distinct(FailedAttempt.digest))).where(
                    FailedAttempt.kind == kind,
                    FailedAttempt.subject == subject,
                    FailedAttempt.at > since,
                    FailedAttempt.digest.not_like(f"{PENDING}%"),
                )
            )
            or 0
        )

    def _begin_writing(self, session: Session) -> None:
        # Those past their window count no more (the table stays small). The first statement
        # on SQLite (serialise is PostgreSQL's): a write takes the write lock, with the busy
        # timeout, before anything is read.
        now = self.throttle.clock()
        for kind_is, window in (
            (FailedAttempt.kind != ACCOUNT, self.throttle.window),
            (FailedAttempt.kind == ACCOUNT, self.locks.window),
        ):
            session.execute(delete(FailedAttempt).where(kind_is, FailedAttempt.at <= now - window))


def serialise(session: Session, *keys: str) -> None:
    """One transaction at a time per key until this one ends (PostgreSQL: advisory locks,
    taken in one order so that two transactions never wait on each other; SQLite has one
    writer at a time already)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
