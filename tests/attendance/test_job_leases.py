"""Scheduled jobs run once per turn across several workers on one database (job leases)."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.job_leases import JobLeases, take_lease
from attendance.orm import utcnow
from attendance.scheduler import Job, Scheduler
from attendance.worker_tables import JobLease

PERIOD = 0.2


@pytest.fixture
def workers(database_url: str) -> Iterator[list[sessionmaker[Session]]]:
    """Three workers' session factories, each on an engine (a connection pool) of its own."""
    engines = [make_engine(database_url) for _ in range(3)]
    yield [make_session_factory(engine) for engine in engines]
    for engine in engines:
        engine.dispose()


def test_a_lease_is_held_by_one_until_it_runs_out(session: Session) -> None:
    start = utcnow()
    assert take_lease(session, name="retention", holder="a", seconds=10, now=start)
    assert not take_lease(session, name="retention", holder="b", seconds=10, now=start)
    later = start + timedelta(seconds=5)
    assert take_lease(session, name="retention", holder="a", seconds=10, now=later)  # renewed
    assert not take_lease(session, name="retention", holder="b", seconds=10, now=later)
    assert take_lease(session, name="webhooks", holder="b", seconds=10, now=later)  # another job
    gone = later + timedelta(seconds=10)  # a stopped renewing: its lease ran out
    assert take_lease(session, name="retention", holder="b", seconds=10, now=gone)
    assert not take_lease(session, name="retention", holder="a", seconds=10, now=gone)
    held = session.scalars(select(JobLease).order_by(JobLease.name)).all()
    assert [(lease.name, lease.holder) for lease in held] == [("retention", "b"), ("webhooks", "b")]


def test_three_schedulers_on_one_database_run_a_job_once_per_turn(
    workers: list[sessionmaker[Session]],
) -> None:
    runs: list[tuple[int, float]] = []
    lock = threading.Lock()

    def job_of(worker: int) -> Job:
        def run() -> None:
            with lock:
                runs.append((worker, time.monotonic()))

        return Job("absent_cutoff", run, PERIOD)

    schedulers = [
        Scheduler([job_of(n)], leases=JobLeases(sessions)) for n, sessions in enumerate(workers)
    ]
    started = time.monotonic()
    for scheduler in schedulers:
        scheduler.start()
    time.sleep(12 * PERIOD)
    holder = runs[0][0]
    schedulers[holder].stop()  # a clean stop releases its lease: another takes over at once
    time.sleep(6 * PERIOD)
    for scheduler in schedulers:
        scheduler.stop()
    elapsed = time.monotonic() - started
    # Once per period in all (a run takes no time): three workers each running it would be 3x.
    assert len(runs) <= elapsed / PERIOD + 2
    assert len(runs) >= 8
    times = [at for _, at in runs]
    assert all(b - a >= PERIOD * 0.5 for a, b in itertools.pairwise(times))
    assert {worker for worker, _ in runs} - {holder}, "nobody took over from the stopped one"
    assert sum(s.skipped["absent_cutoff"] for s in schedulers) >= 8


def test_a_dead_workers_job_is_taken_over_once_its_lease_runs_out(
    workers: list[sessionmaker[Session]],
) -> None:
    until = time.monotonic() + 1.0
    with unit_of_work(workers[0]) as session:  # a worker killed mid-lease left this row
        take_lease(session, name="webhooks", holder="dead", seconds=1.0)
    ran = threading.Event()
    first: list[float] = []

    def run() -> None:
        first.append(time.monotonic())
        ran.set()

    scheduler = Scheduler([Job("webhooks", run, 0.05)], leases=JobLeases(workers[1]))
    scheduler.start()
    try:
        assert ran.wait(10)
    finally:
        scheduler.stop()
    assert first[0] >= until - 0.05
    assert scheduler.skipped["webhooks"] >= 3
