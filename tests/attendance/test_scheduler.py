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


def test_a_hanging_job_delays_no_other_job_and_never_runs_twice_at_once() -> None:
    release = threading.Event()
    inside = 0
    most_inside = 0
    lock = threading.Lock()
    ticks: list[float] = []

    def hangs() -> None:
        nonlocal inside, most_inside
        with lock:
            inside += 1
            most_inside = max(most_inside, inside)
        release.wait(10)
        with lock:
            inside -= 1

    scheduler = Scheduler([Job("hangs", hangs, 0.01), Job("ticks", lambda: ticks.append(1), 0.02)])
    started = time.monotonic()
    scheduler.start()
    time.sleep(0.5)
    assert len(ticks) >= 5  # the other job keeps its period while the first one hangs
    assert scheduler.runs["hangs"] == 0 and most_inside == 1
    release.set()
    time.sleep(0.1)
    scheduler.stop(timeout=2)
    assert most_inside == 1  # one thread per job: never two runs of it at once
    assert time.monotonic() - started < 3


def test_stop_returns_within_its_timeout_even_if_a_job_hangs() -> None:
    release = threading.Event()
    scheduler = Scheduler([Job("hangs", lambda: release.wait(30), 60), Job("b", lambda: None, 60)])
    scheduler.start()
    time.sleep(0.1)
    before = time.monotonic()
    scheduler.stop(timeout=0.5)
    assert time.monotonic() - before < 1.5
    release.set()
