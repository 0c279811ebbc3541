"""Periodic jobs inside the server process: each job on its own thread, one stop event.

Reusable: a job is a name, a function and a period (retention purges, the schools' absent
cut-off, webhook deliveries). Each job has a thread of its own, so a slow job (a webhook
receiver that hangs) never delays another, and a job never runs twice at once (its one
thread runs it, then waits its period). A job that raises is logged and runs again at its
next turn. With several server workers on one database, give the
scheduler `leases` (attendance/job_leases.py): before each turn a worker takes the job's
lease, held for two periods, and skips the turn when another worker holds it, so each job
runs on one worker per turn; the holder renews it at each turn and after each run, and a
worker that died hands its jobs over when its leases run out; one that stops releases them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    period_seconds: float
    first_after_seconds: float = 0.0


class Leases(Protocol):
    def take(self, name: str, seconds: float) -> bool: ...

    def release(self) -> None: ...


def lease_seconds(job: Job) -> float:
    # Two periods: the holder's next turn comes one period after its run ends, well inside.
    return 2 * max(job.period_seconds, 0.01)


class Scheduler:
    """Runs each of `jobs` on a daemon thread of its own from `start()` until `stop()`."""

    def __init__(
        self,
        jobs: Sequence[Job],
        *,
        clock: Callable[[], float] = time.monotonic,
        leases: Leases | None = None,
    ) -> None:
        self.jobs = tuple(jobs)
        self._clock = clock
        self._leases = leases
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.runs: dict[str, int] = {job.name: 0 for job in self.jobs}
        # Turns left to another worker that held the job's lease.
        self.skipped: dict[str, int] = {job.name: 0 for job in self.jobs}

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
        if self._leases is not None:
            try:
                self._leases.release()  # a restarted server need not wait out its own leases
            except Exception:  # stopping anyway: the leases run out on their own
                logger.exception("job leases could not be released")

    def _loop(self, job: Job) -> None:
        if self._stop.wait(max(0.0, job.first_after_seconds)):
            return
        while not self._stop.is_set():
            self._run(job)
            self._stop.wait(max(0.01, job.period_seconds))

    def _run(self, job: Job) -> None:
        if not self._leased(job):
            self.skipped[job.name] += 1
            return
        try:
            job.run()
        except Exception:  # the top of a long-running loop: log and go on
            logger.exception("scheduled job %s failed; it runs again at its next turn", job.name)
        self.runs[job.name] += 1
        self._leased(job)  # renewed from the run's end: a long run keeps its lease

    def _leased(self, job: Job) -> bool:
        if self._leases is None:
            return True
        try:
            return self._leases.take(job.name, lease_seconds(job))
        except Exception:  # the database is away: this turn is skipped, the next one tries
            logger.exception("scheduled job %s: its lease could not be taken", job.name)
            return False
