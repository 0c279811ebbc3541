"""Racing OS processes on one database: a few worker processes (spawned once, each with its
own engine per race) released together by a barrier, as several server workers or kiosks
would hit PostgreSQL (or one SQLite file) at the same moment.

A race is one piece of work per racer: `work(factory, index)` runs in the racer's own
process and returns something picklable; a refusal by the domain (DomainError) comes back
as its code, anything else unexpected as the text of the error (the test then fails).
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

Work = Callable[[sessionmaker[Session], int], Any]
START_TIMEOUT = 120.0  # spawning imports the application: slow on a busy 2-core machine
RACE_TIMEOUT = 120.0


@dataclass(frozen=True)
class Outcome:
    """What one racer's work gave: `value` when it went through, `refused` (a domain error's
    code) when the rules turned it away, `error` when something else went wrong."""

    value: Any = None
    refused: str | None = None
    error: str | None = None


def _racer(index: int, barrier: Barrier, tasks: Queue[Any], results: Queue[Any]) -> None:
    from attendance.db import make_engine, make_session_factory
    from attendance.errors import DomainError

    results.put((index, "ready"))
    while True:
        task = tasks.get()
        if task is None:
            return
        url, work = task
        engine = make_engine(url)
        try:
            factory = make_session_factory(engine)
            with engine.connect() as connection:  # connected before the start, not during it
                connection.exec_driver_sql("SELECT 1")
            barrier.wait(RACE_TIMEOUT)
            outcome = Outcome(value=work(factory, index))
        except DomainError as refused:
            outcome = Outcome(refused=refused.code)
        except Exception as error:  # reported to the test, which fails on it
            outcome = Outcome(error=f"{type(error).__name__}: {error}")
        finally:
            engine.dispose()
        results.put((index, outcome))


class Racers:
    """`size` processes, spawned once; `race(url, works)` runs one work per process."""

    def __init__(self, size: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.size = size
        self._barrier = context.Barrier(size)
        self._results: Queue[Any] = context.Queue()
        self._tasks: list[Queue[Any]] = [context.Queue() for _ in range(size)]
        self._processes: list[SpawnProcess] = [
            context.Process(
                target=_racer,
                args=(i, self._barrier, self._tasks[i], self._results),
                daemon=True,
            )
            for i in range(size)
        ]
        for process in self._processes:
            process.start()
        for _ in range(size):
            self._results.get(timeout=START_TIMEOUT)

    def race(self, url: str, works: Sequence[Work]) -> list[Outcome]:
        """Each work in its own process, all released at once; their outcomes, in order."""
        if len(works) != self.size:
            raise ValueError(f"a race needs {self.size} works, one per racer")
        for tasks, work in zip(self._tasks, works, strict=True):
            tasks.put((url, work))
        outcomes: list[Outcome | None] = [None] * self.size
        for _ in range(self.size):
            try:
                index, outcome = self._results.get(timeout=RACE_TIMEOUT)
            except queue.Empty:
                raise AssertionError("a racer did not finish in time") from None
            outcomes[index] = outcome
        assert all(o is not None for o in outcomes)
        return [o for o in outcomes if o is not None]

    def close(self) -> None:
        for tasks in self._tasks:
            tasks.put(None)
        for process in self._processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


@contextmanager
def racers(size: int) -> Iterator[Racers]:
    pool = Racers(size)
    try:
        yield pool
    finally:
        pool.close()
