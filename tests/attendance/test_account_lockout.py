"""The per-username lock after wrong passwords: temporary, doubling, capped, lifted by a
new password."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attendance.errors import TooManyAttempts
from attendance.orm import utcnow
from attendance.staff.lockout import AccountLocks


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _fail(locks: AccountLocks, times: int, username: str = "thu.nt") -> None:
    for _ in range(times):
        locks.failed(username)


def test_five_failures_lock_the_username_for_a_minute_whatever_its_case() -> None:
    clock = Clock()
    locks = AccountLocks(failures=5, lock_seconds=60, max_lock_seconds=900, clock=clock)
    _fail(locks, 4)
    locks.check("thu.nt")
    locks.failed("THU.NT")
    with pytest.raises(TooManyAttempts) as locked:
        locks.check("Thu.Nt")
    assert locked.value.code == "ACCOUNT_LOCKED" and locked.value.retry_after == 60
    locks.check("lan.pt")  # another username
    clock.now = 60
    locks.check("thu.nt")


def test_each_lock_in_a_row_doubles_up_to_the_cap() -> None:
    clock = Clock()
    locks = AccountLocks(failures=5, lock_seconds=60, max_lock_seconds=900, clock=clock)
    seen = []
    for _ in range(6):
        _fail(locks, 5)
        with pytest.raises(TooManyAttempts) as locked:
            locks.check("thu.nt")
        seen.append(locked.value.retry_after)
        clock.now += locked.value.retry_after
    assert seen == [60, 120, 240, 480, 900, 900]


def test_a_success_or_a_new_password_lifts_the_lock() -> None:
    clock = Clock()
    locks = AccountLocks(failures=5, lock_seconds=60, clock=clock)
    _fail(locks, 5)
    with pytest.raises(TooManyAttempts):
        locks.check("thu.nt", password_changed_at=utcnow() - timedelta(hours=1))
    locks.check("thu.nt", password_changed_at=utcnow() + timedelta(seconds=1))
    locks.check("thu.nt")  # lifted for good
    _fail(locks, 4)
    locks.succeeded("thu.nt")
    _fail(locks, 4)
    locks.check("thu.nt")


def test_failures_outside_the_window_do_not_add_up() -> None:
    clock = Clock()
    locks = AccountLocks(failures=5, window_seconds=100, clock=clock)
    _fail(locks, 4)
    clock.now = 101
    _fail(locks, 4)
    locks.check("thu.nt")
