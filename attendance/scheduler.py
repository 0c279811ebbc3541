"""Periodic jobs inside the server process: each job on its own thread, one stop event.

Reusable: a job is a name, a function and a period (retention purges, the schools' absent
cut-off, webhook deliveries). Each job has a thread of its own, so a slow job (a webhook
receiver that hangs) never delays another, and a job never runs twice at once (its one
thread runs it, then waits its period). A job that raises is logged and runs again at its
next turn. With several server workers every worker runs every job; the jobs here are
idempotent, so that only costs repeated reads. To run a job once across workers, take a
lease first: a row per job holding (holder, expires_at), taken with an UPDATE ... WHERE
expires_at < now inside the job's own transaction (PostgreSQL and SQLite both serialise
that write).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    period_seconds: float
    first_after_seconds: float = 0.0


class Scheduler:
    """Runs each of `jobs` on a daemon thread of its own from `start()` until `stop()`."""

    def __init__(self, jobs: Sequence[Job], *, clock: Callable[[], float] = time.monotonic) -> None:
        self.jobs = tuple(jobs)
        self._clock = clock
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.runs: dict[str, int] = {job.name: 0 for job in self.jobs}

    def start(self) -> None:
        if self._threads or not self.jobs:
            return
        for job in self.jobs:
            thread = threading.Thread(
                target=self._loop, args=(job,), name=f"scheduler-{job.name}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask every job's thread to end and wait, `timeout` seconds in all, for the jobs
        they may be running (a job still running then is left to its daemon thread)."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                logger.warning("scheduled job thread %s did not end in time", thread.name)
        self._threads = []

    def _loop(self, job: Job) -> None:
        if self._stop.wait(max(0.0, job.first_after_seconds)):
            return
        while not self._stop.is_set():
            self._run(job)
            self._stop.wait(max(0.01, job.period_seconds))

    def _run(self, job: Job) -> None:
        try:
            job.run()
        except Exception:  # the top of a long-running loop: log and go on
            logger.exception("scheduled job %s failed; it runs again at its next turn", job.name)
        self.runs[job.name] += 1
