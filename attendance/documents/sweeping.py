"""The documents folder's hourly sweep (a job of the server's scheduler, and once at start):
the files no version row names, left by a crash between writing a file and committing its
row, or by an erase that failed after its commit (attendance/documents/store.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from attendance.db import unit_of_work
from attendance.documents.store import SWEEP_GRACE_SECONDS, DocumentStore, referenced_hashes

logger = logging.getLogger(__name__)

PERIOD_SECONDS = 3600.0


def sweep_documents(
    session: Session, root: Path, *, grace_seconds: float = SWEEP_GRACE_SECONDS
) -> int:
    """Unlink the folder's files that no row names and that are older than the grace (an
    upload whose row is about to commit keeps its file); how many went."""
    # The rows are read first: a file named by a row committed after this read is younger
    # than the grace (written just before its commit, or touched again by put()).
    referenced = referenced_hashes(session)
    removed = DocumentStore(root).sweep(referenced, grace_seconds=grace_seconds)
    logger.info("documents sweep: %d unreferenced file(s) removed from %s", removed, root)
    return removed


def sweep_job(sessions: sessionmaker[Session], root: Path) -> Callable[[], int]:
    def run() -> int:
        with unit_of_work(sessions) as session:
            return sweep_documents(session, root)

    return run
