"""Guesses counted before they are checked (attendance/sign_in_guard.py): those in flight
fill the limits already, and a refusal because of them asks for a short wait, not the window."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from attendance.db import make_engine, make_session_factory
from attendance.errors import TooManyAttempts
from attendance.shared_throttle import SharedAccountLocks, SharedThrottle
from attendance.sign_in_guard import IN_FLIGHT_WAIT, SignInGuard
from attendance.throttle import SIGN_IN
from attendance.worker_tables import AccountLock


class Clock:
    now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def guard(database_url: str) -> tuple[SignInGuard, Clock]:
    sessions = make_session_factory(make_engine(database_url))
    clock = Clock()
    throttle = SharedThrottle(sessions, failures=3, window_seconds=60, clock=clock)
    locks = SharedAccountLocks(sessions, failures=2, window_seconds=900, clock=clock)
    return SignInGuard(throttle, locks), clock


def test_guesses_in_flight_fill_the_address_limit_with_a_short_wait(database_url: str) -> None:
    checks, clock = guard(database_url)
    held = [
        checks.reserve(client="10.1.1.1", kind=SIGN_IN, username=f"u{n}", credential=f"u{n}\nx")
        for n in range(3)
    ]
    with pytest.raises(TooManyAttempts) as in_flight:
        checks.reserve(client="10.1.1.1", kind=SIGN_IN, username="u9", credential="u9\nx")
    assert in_flight.value.retry_after == IN_FLIGHT_WAIT
    for n, one in enumerate(held):
        checks.failed(one, username=f"u{n}", reason="BAD_SIGN_IN", guess=True)
    clock.now += 1
    with pytest.raises(TooManyAttempts) as blocked:
        checks.reserve(client="10.1.1.1", kind=SIGN_IN, username="u9", credential="u9\nx")
    assert blocked.value.retry_after == 59  # the settled failures: until they leave the window
    # Another address is not blocked.
    checks.reserve(client="10.1.1.2", kind=SIGN_IN, username="u9", credential="u9\nx")


def test_guesses_in_flight_fill_the_username_limit_and_a_success_clears_it(
    database_url: str,
) -> None:
    checks, _clock = guard(database_url)
    first, second = (
        checks.reserve(client=f"10.2.0.{n}", kind=SIGN_IN, username="Lan", credential=f"lan\n{n}")
        for n in range(2)
    )
    with pytest.raises(TooManyAttempts) as refused:
        checks.reserve(client="10.2.0.9", kind=SIGN_IN, username="lan", credential="lan\n9")
    assert refused.value.code == "ACCOUNT_LOCKED"
    checks.succeeded(first)
    checks.failed(second, username="lan", reason="BAD_SIGN_IN", guess=True)
    third = checks.reserve(client="10.2.0.9", kind=SIGN_IN, username="lan", credential="lan\n9")
    checks.failed(third, username="lan", reason="BAD_SIGN_IN", guess=True)
    with checks.throttle.sessions() as session:
        assert session.scalars(select(AccountLock.username)).all() == ["lan"]
