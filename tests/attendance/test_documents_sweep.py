"""The documents folder's sweep: orphans older than the grace go, a young orphan (an upload
whose row is about to commit) and every file a row names stay; the server runs it at start."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest
from document_files import pdf_bytes
from document_rows_support import add_document, meeting

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.documents.store import TEMP, DocumentStore
from attendance.documents.sweeping import sweep_documents, sweep_job
from attendance.job_leases import JobLeases
from attendance.scheduler import Job, Scheduler

HOUR = 3600.0


def aged(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_old_orphan_goes_a_young_one_and_a_named_one_stay(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "documents"
    store = DocumentStore(root)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        named = add_document(
            session, root, meeting_id=meeting(session), title="Tờ trình", data=pdf_bytes("x")
        )[1]
    old_orphan = store.put(b"a crash between the file and its row, two hours ago")
    young_orphan = store.put(b"an upload whose row commits in a moment")
    leftover = root / TEMP / "half-written"
    leftover.write_bytes(b"interrupted")
    for path in (store.path(named), store.path(old_orphan), leftover):
        aged(path, 2 * HOUR)

    with caplog.at_level(logging.INFO), unit_of_work(factory) as session:
        removed = sweep_documents(session, root, grace_seconds=HOUR)
    engine.dispose()

    assert removed == 2
    assert store.hashes() == {named, young_orphan}
    assert not leftover.exists()
    assert "documents sweep: 2 unreferenced file(s) removed" in caplog.text


def test_the_server_sweeps_at_start_under_its_job_lease(database_url: str, tmp_path: Path) -> None:
    root = tmp_path / "documents"
    orphan = DocumentStore(root).put(b"left by a crash")
    aged(DocumentStore(root).path(orphan), 2 * HOUR)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    scheduler = Scheduler(
        [Job("documents_sweep", sweep_job(factory, root), HOUR)], leases=JobLeases(factory)
    )
    scheduler.start()
    try:
        deadline = time.monotonic() + 20
        while scheduler.runs["documents_sweep"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.stop()
        engine.dispose()
    assert scheduler.runs["documents_sweep"] == 1  # at once, not an hour later
    assert not DocumentStore(root).exists(orphan)


def test_the_servers_scheduler_sweeps_hourly_from_its_start(
    database_url: str,
) -> None:
    from api.app import _scheduler
    from api.services import Services
    from attendance.settings import get_settings

    engine = make_engine(database_url)
    services = Services(
        settings=get_settings(), engine=engine, sessions=make_session_factory(engine)
    )
    jobs = {job.name: job for job in _scheduler(services).jobs}
    engine.dispose()

    sweep = jobs["documents_sweep"]
    assert (sweep.period_seconds, sweep.first_after_seconds) == (HOUR, 0.0)
