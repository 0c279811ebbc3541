"""Leases that make a scheduled job run on one worker at a time, whatever the worker count.

Before each turn a worker takes the job's lease: one conditional UPDATE (the row is free, its
lease ran out, or this worker already holds it) or, the first time, one INSERT ... ON
CONFLICT DO NOTHING. PostgreSQL and SQLite both serialise those writes on the row, so of N
workers whose turns fall together exactly one gets it. The holder renews it at each turn and
after each run; a worker that died leaves a lease that runs out, and another takes the job
over. Times are the workers' own UTC clocks: keep them in sync (NTP), as for the rest.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from attendance.db import unit_of_work
from attendance.orm import utcnow
from attendance.worker_tables import JobLease

logger = logging.getLogger(__name__)

Now = Callable[[], datetime]


def worker_name() -> str:
    """This worker's name in the lease rows: host, process and a random part (a restarted
    process with a reused pid is not the old holder)."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def take_lease(
    session: Session, *, name: str, holder: str, seconds: float, now: datetime | None = None
) -> bool:
    """Whether `holder` holds the lease on job `name` for `seconds` from `now` (flushed)."""
    at = now or utcnow()
    until = at + timedelta(seconds=seconds)
    renewed = session.execute(
        update(JobLease)
        .where(
            JobLease.name == name,
            or_(JobLease.expires_at <= at, JobLease.holder == holder),
        )
        .values(holder=holder, expires_at=until)
        .execution_options(synchronize_session=False)
    )
    if getattr(renewed, "rowcount", 0) == 1:
        return True
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    created = session.execute(
        dialect.insert(JobLease)
        .values(name=name, holder=holder, expires_at=until)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(JobLease.name)  # a row back: inserted (an ORM insert has no rowcount)
    )
    return created.first() is not None


class JobLeases:
    """The scheduler's gate: `take(name, seconds)` in a short transaction of its own."""

    def __init__(
        self, sessions: sessionmaker[Session], *, holder: str | None = None, now: Now = utcnow
    ) -> None:
        self.sessions = sessions
        self.holder = holder or worker_name()
        self._now = now

    def take(self, name: str, seconds: float) -> bool:
        with unit_of_work(self.sessions) as session:
            taken = take_lease(
                session, name=name, holder=self.holder, seconds=seconds, now=self._now()
            )
        if not taken:
            logger.debug("job %s: another worker holds its lease", name)
        return taken

    def release(self) -> None:
        """Give up every lease this worker holds (it is stopping)."""
        with unit_of_work(self.sessions) as session:
            session.execute(delete(JobLease).where(JobLease.holder == self.holder))
