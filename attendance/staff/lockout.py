"""Failed passwords counted per username, from any address: a temporary lock that doubles.

`AccountLocks` holds them in this process's memory; the server keeps them in the database
with the same rules (attendance/shared_throttle.py), so N workers count every failure.
A lock is never permanent, so an attacker cannot lock an admin out for good, and a password
set since the lock began (`attendance admin reset-password`, from another process) lifts it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from attendance.errors import TooManyAttempts
from attendance.orm import utcnow

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
MAX_TRACKED = 50_000


def account_locked(wait: int) -> TooManyAttempts:
    """The refusal while a username is locked (429, ACCOUNT_LOCKED)."""
    return TooManyAttempts(
        f"Tài khoản tạm khóa vì nhập sai mật khẩu nhiều lần; hãy thử lại sau {wait} giây. "
        f"Too many wrong passwords for this account; try again in {wait} seconds.",
        retry_after=wait,
        code="ACCOUNT_LOCKED",
    )


def lock_seconds_after(locks: int, *, lock_seconds: float, max_lock_seconds: float) -> float:
    """How long the next lock lasts after `locks` locks in a row: doubling, capped."""
    return float(min(lock_seconds * 2**locks, max_lock_seconds))


@dataclass
class _Username:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0
    locked_at: datetime | None = None  # wall clock: compared with password_changed_at
    locks: int = 0  # locks in a row; each doubles the next


class AccountLocks:
    """`failures` wrong passwords for one username within `window_seconds` lock it for
    `lock_seconds`, doubling with each lock in a row up to `max_lock_seconds`. While locked
    every attempt is refused, the right password too. A success clears the count."""

    def __init__(
        self,
        *,
        failures: int = 5,
        window_seconds: float = 900,
        lock_seconds: float = 60,
        max_lock_seconds: float = 900,
        clock: Clock = time.monotonic,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.failures = failures
        self.window = window_seconds
        self.lock_seconds = lock_seconds
        self.max_lock = max_lock_seconds
        self.clock = clock
        self.max_tracked = max_tracked
        self._names: dict[str, _Username] = {}
        self._lock = threading.Lock()

    def check(self, username: str, *, password_changed_at: datetime | None = None) -> None:
        """Raises TooManyAttempts (429, ACCOUNT_LOCKED) while this username is locked."""
        now = self.clock()
        with self._lock:
            state = self._names.get(username_key(username))
            if state is None or state.locked_until <= now:
                return
            if (
                password_changed_at is not None
                and state.locked_at is not None
                and password_changed_at > state.locked_at
            ):
                del self._names[username_key(username)]  # a new password was set: the lock is moot
                return
            wait = math.ceil(state.locked_until - now)
        raise account_locked(wait)

    def failed(self, username: str) -> None:
        now = self.clock()
        key = username_key(username)
        with self._lock:
            state = self._names.get(key)
            if state is None:
                if len(self._names) >= self.max_tracked:
                    self._forget(now)
                state = self._names[key] = _Username()
            if state.locks and now - state.locked_until > 2 * self.max_lock:
                state.locks = 0  # long quiet since the last lock: start again at the first
            state.failures = [at for at in state.failures if at > now - self.window]
            state.failures.append(now)
            if len(state.failures) >= self.failures:
                seconds = lock_seconds_after(
                    state.locks, lock_seconds=self.lock_seconds, max_lock_seconds=self.max_lock
                )
                state.locked_until = now + seconds
                state.locked_at = utcnow()
                state.locks += 1
                state.failures = []
                logger.warning("a username locked for %d s after wrong passwords", seconds)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._names.pop(username_key(username), None)

    def _forget(self, now: float) -> None:
        for key in [k for k, s in self._names.items() if self._idle(s, now)]:
            del self._names[key]
        while len(self._names) >= self.max_tracked:
            del self._names[next(iter(self._names))]

    def _idle(self, state: _Username, now: float) -> bool:
        quiet = not state.failures or state.failures[-1] <= now - self.window
        return quiet and state.locked_until <= now


def username_key(username: str) -> str:
    return username.strip().lower()[:64]
