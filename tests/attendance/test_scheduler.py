"""The server's scheduler: jobs on their period, a failing job runs again, stop ends it."""

from __future__ import annotations

import threading
import time

from attendance.scheduler import Job, Scheduler


def test_jobs_run_on_their_period_and_a_failure_does_not_stop_them() -> None:
    ran = threading.Event()
    calls: list[str] = []

    def failing() -> None:
        calls.append("fail")
        raise RuntimeError("the database is away")

    def counting() -> None:
        calls.append("ok")
        if calls.count("ok") >= 3:
            ran.set()

    scheduler = Scheduler([Job("fails", failing, 0.02), Job("counts", counting, 0.02, 0.01)])
    scheduler.start()
    try:
        assert ran.wait(5)
    finally:
        scheduler.stop()
    assert scheduler.runs["fails"] >= 2 and scheduler.runs["counts"] >= 3
    settled = len(calls)
    time.sleep(0.1)
    assert len(calls) == settled  # stopped: nothing runs any more


def test_the_first_run_waits_for_its_delay() -> None:
    calls: list[float] = []
    scheduler = Scheduler([Job("late", lambda: calls.append(time.monotonic()), 60, 0.3)])
    started = time.monotonic()
    scheduler.start()
    time.sleep(0.6)
    scheduler.stop()
    assert len(calls) == 1 and calls[0] - started >= 0.29
