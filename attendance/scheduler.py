"""Periodic jobs inside the server process: one thread, a stop event, each job on its period.

Reusable: a job is a name, a function and a period (retention purges today; an absent
cut-off for schools next). A job that raises is logged and runs again at its next turn.
With several server workers every worker runs every job; the jobs here are idempotent, so
that only costs repeated reads. To run a job once across workers, take a lease first: a
row per job holding (holder, expires_at), taken with an UPDATE ... WHERE expires_at < now
inside the job's own transaction (PostgreSQL and SQLite both serialise that write).
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
    """Runs `jobs` on a daemon thread from `start()` until `stop()`."""

    def __init__(self, jobs: Sequence[Job], *, clock: Callable[[], float] = time.monotonic) -> None:
        self.jobs = tuple(jobs)
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs: dict[str, int] = {job.name: 0 for job in self.jobs}

    def start(self) -> None:
        if self._thread is not None or not self.jobs:
            return
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to end and wait for the job it may be running."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        start = self._clock()
        due = {job.name: start + job.first_after_seconds for job in self.jobs}
        while not self._stop.is_set():
            now = self._clock()
            for job in self.jobs:
                if due[job.name] <= now and not self._stop.is_set():
                    self._run(job)
                    due[job.name] = self._clock() + job.period_seconds
            wait = min(due.values()) - self._clock()
            self._stop.wait(max(0.01, wait))

    def _run(self, job: Job) -> None:
        try:
            job.run()
        except Exception:  # the top of a long-running loop: log and go on
            logger.exception("scheduled job %s failed; it runs again at its next turn", job.name)
        self.runs[job.name] += 1
