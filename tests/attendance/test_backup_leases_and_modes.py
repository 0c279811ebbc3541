"""A restore drops the backed-up server's job leases, and a backup folder is owner-only
through and through (usertest 14, findings 13 and 14)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from document_files import pdf_bytes
from document_rows_support import add_document, meeting
from sqlalchemy import select

from attendance.backup import backup
from attendance.backup_documents import FOLDER
from attendance.backup_manifest import MANIFEST
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.orm import utcnow
from attendance.restore import restore
from attendance.worker_tables import JobLease


def test_a_restore_drops_the_dead_servers_job_leases(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        meeting(session)
        # The server the backup was taken under held its hourly jobs for two hours more,
        # from another machine's process (so no check here can tell it is dead).
        until = utcnow() + timedelta(hours=2)
        session.add(
            JobLease(name="documents_sweep", holder="vm-cu:4538:4406cf5c", expires_at=until)
        )
        session.add(JobLease(name="outbox_purge", holder="vm-cu:4538:4406cf5c", expires_at=until))
    engine.dispose()
    backup(database_url, tmp_path / "b", documents_dir=tmp_path / "documents")

    restore(empty_database_url, tmp_path / "b", documents_dir=tmp_path / "restored")

    engine = make_engine(empty_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        assert session.scalars(select(JobLease)).all() == []
    engine.dispose()
    # Nothing of the old server is left to look alive: the same restore again goes through.
    restore(empty_database_url, tmp_path / "b", force=True, documents_dir=tmp_path / "restored")


def test_a_backup_folder_is_owner_only_whatever_the_umask(
    database_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "documents"
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        add_document(
            session, root, meeting_id=meeting(session), title="Tờ trình", data=pdf_bytes("To trinh")
        )
    engine.dispose()
    before = os.umask(0o022)  # the usual one: folders 0755, files 0644 unless asked otherwise
    try:
        backup(database_url, tmp_path / "b", documents_dir=root)
    finally:
        os.umask(before)
    folder = tmp_path / "b"
    loose = [
        f"{p.relative_to(folder)} {p.stat().st_mode & 0o777:o}"
        for p in [folder, *folder.rglob("*")]
        if p.stat().st_mode & 0o077
    ]
    assert loose == []
    assert (folder / FOLDER).stat().st_mode & 0o777 == 0o700
    assert (folder / MANIFEST).stat().st_mode & 0o777 == 0o600
