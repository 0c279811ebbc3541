"""`attendance backup`: a consistent copy of the database while the server runs.

SQLite: the online backup API copies every page in one step inside one read transaction; in
WAL mode writers go on meanwhile and the copy is the database as of that transaction's start.
PostgreSQL: `pg_dump -Fc` run on a snapshot exported from a REPEATABLE READ transaction, the
same one the manifest is read in. The backup is a folder: the database (attendance.db or
attendance.dump), manifest.json, the document files the database names (documents/, see
attendance/backup_documents.py for the race with a deletion), and the key files only when
asked (README, "Backups").
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from attendance.backup_documents import FilesGone, copy_out, named_files
from attendance.backup_manifest import (
    DUMP_FILE,
    KEYS_FOLDER,
    SQLITE_FILE,
    Manifest,
    file_digest,
    gather,
    is_backup_folder,
)
from attendance.data_dir import sqlite_file
from attendance.durable import fsync_file, fsync_folder
from attendance.errors import Conflict, Invalid, NotFound
from attendance.pg_tools import find_program, libpq_target, run_program
from attendance.settings import get_settings
from attendance.voting.master_key import MasterKey

logger = logging.getLogger(__name__)

BUSY_MS = 30_000  # the copy waits this long for a writer's checkpoint, as the server does
# A document deleted between the snapshot and the copy of its file: the backup is taken again
# (a fresh snapshot no longer names it). Only a deletion at each of these turns exhausts them.
TRIES = 3


def backup(
    db_url: str,
    folder: Path,
    *,
    force: bool = False,
    key_files: tuple[Path, ...] = (),
    documents_dir: Path | None = None,
) -> Manifest:
    """Write the backup of `db_url` into `folder` (refused when it exists, unless `force`):
    built beside it under another name and renamed into place once whole. `documents_dir`:
    the documents folder, whose files the database names are copied into it (None: no
    files, for a database without documents)."""
    folder = folder.expanduser().absolute()
    if folder.exists() or folder.is_symlink():
        if not force:
            raise Conflict(
                f"{folder} đã có; thêm --force để ghi đè. {folder} exists; --force overwrites it."
            )
        _refuse_unless_a_backup(folder)
    for turn in range(1, TRIES + 1):
        with _draft_folder(folder) as draft:
            try:
                manifest = _snapshot(db_url, draft, documents_dir)
            except FilesGone as gone:
                if turn == TRIES:
                    raise _files_lost(gone, documents_dir) from gone
                logger.info("backup taken again: %s", gone)
                continue
            manifest.bytes, manifest.sha256 = file_digest(draft / manifest.database_file)
            manifest.keys_included = _copy_keys(key_files, draft / KEYS_FOLDER)
            manifest.sign(signing_key())
            manifest.write(draft)
            _replace(draft, folder)
            return manifest
    raise AssertionError("unreachable")


def _snapshot(db_url: str, draft: Path, documents_dir: Path | None) -> Manifest:
    if make_url(db_url).get_backend_name() == "sqlite":
        return _backup_sqlite(db_url, draft, documents_dir)
    return _backup_postgres(db_url, draft, documents_dir)


def _files_lost(gone: FilesGone, documents_dir: Path | None) -> Invalid:
    names = ", ".join(sorted(h[:12] for h in gone.hashes)[:5])
    return Invalid(
        f"Cơ sở dữ liệu nêu {len(gone.hashes)} tệp tài liệu mà thư mục {documents_dir} không "
        f"có ({names}…), sau {TRIES} lần thử: tệp đã mất (ATTEND_DOCUMENTS__DIR trỏ sai thư "
        "mục, hoặc tệp bị xóa tay). Không tạo bản sao lưu. "
        f"The database names {len(gone.hashes)} document file(s) the folder {documents_dir} "
        f"lacks ({names}…), after {TRIES} tries: the files are lost (ATTEND_DOCUMENTS__DIR "
        "names the wrong folder, or they were deleted by hand). No backup was made."
    )


def signing_key() -> bytes:
    """The manifest's HMAC key: derived from the installation's secret key (the one of
    secret ballots, ATTEND_SECRET_KEY / ATTEND_SECRET_KEY_FILE), never stored anywhere."""
    master = MasterKey.from_settings(get_settings()).key
    return hmac.new(master, b"attendance backup manifest v1", hashlib.sha256).digest()


def _refuse_unless_a_backup(folder: Path) -> None:
    """--force replaces a backup of ours, never another folder (a data folder, a home)."""
    if folder.is_dir() and not folder.is_symlink() and is_backup_folder(folder):
        return
    raise Conflict(
        f"{folder} không phải bản sao lưu của attendance (không có manifest.json hợp lệ): "
        "kể cả với --force, chỉ thay được một bản sao lưu; hãy chọn thư mục mới. "
        f"{folder} is not an attendance backup (no valid manifest.json): even with --force "
        "only a backup is replaced; choose a new folder."
    )


@contextmanager
def _draft_folder(folder: Path) -> Iterator[Path]:
    folder.parent.mkdir(parents=True, exist_ok=True)
    draft = folder.with_name(f".{folder.name}.partial-{secrets.token_hex(4)}")
    draft.mkdir(mode=0o700)
    try:
        yield draft
    finally:
        shutil.rmtree(draft, ignore_errors=True)


def _replace(draft: Path, folder: Path) -> None:
    """The old backup (with --force) goes only once the new one is whole beside it."""
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old-{secrets.token_hex(4)}")
        os.replace(folder, old)
    os.replace(draft, folder)
    fsync_folder(folder.parent)
    if old is not None and old.is_dir():
        shutil.rmtree(old)
    elif old is not None:
        old.unlink()


def _backup_sqlite(db_url: str, draft: Path, documents_dir: Path | None) -> Manifest:
    source_path = sqlite_file(db_url)
    if source_path is None or not source_path.is_file():
        raise NotFound(
            f"Không có cơ sở dữ liệu {source_path}. There is no database at {source_path}."
        )
    target = draft / SQLITE_FILE
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
    source = sqlite3.connect(source_path, timeout=BUSY_MS / 1000)
    copy = sqlite3.connect(target)
    try:
        source.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        # pages=-1: every page in one step, one read transaction: one moment of the database.
        source.backup(copy, pages=-1)
        # One file: the copy carries no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        checked = copy.execute("PRAGMA integrity_check").fetchall()
    finally:
        copy.close()
        source.close()
    if checked != [("ok",)]:
        raise Invalid(
            f"Bản sao không qua PRAGMA integrity_check: {checked[:5]}. "
            f"The copy fails PRAGMA integrity_check: {checked[:5]}."
        )
    fsync_file(target)
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            manifest = gather(connection, backend="sqlite", database_file=SQLITE_FILE)
            named = named_files(connection)
    finally:
        engine.dispose()
    manifest.documents = _copy_documents(named, documents_dir, draft)
    return manifest


def _copy_documents(named: set[str], documents_dir: Path | None, draft: Path) -> dict[str, int]:
    if not named:
        return {}
    if documents_dir is None:  # a caller that forgot the folder: no backup without the files
        raise _files_lost(FilesGone(named), documents_dir)
    return copy_out(named, documents_dir, draft)


def _backup_postgres(db_url: str, draft: Path, documents_dir: Path | None) -> Manifest:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            major = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
            connection.commit()
            pg_dump = find_program("pg_dump", server_major=major)
            snapshot = connection.execution_options(isolation_level="REPEATABLE READ")
            with snapshot.begin():
                exported = snapshot.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                manifest = gather(snapshot, backend="postgresql", database_file=DUMP_FILE)
                # Copied at once, while the snapshot is held: the window for a deletion to
                # unlink one of them first is the copy's own length.
                named = named_files(snapshot)
                manifest.documents = _copy_documents(named, documents_dir, draft)
                target, env = libpq_target(db_url)
                # The dump reads the very snapshot the manifest was read in, held open here.
                command = [str(pg_dump.path), "-Fc", f"--snapshot={exported}"]
                command += ["-f", str(draft / DUMP_FILE), target]
                run_program(command, env, "pg_dump")
    finally:
        engine.dispose()
    (draft / DUMP_FILE).chmod(0o600)
    fsync_file(draft / DUMP_FILE)
    return manifest


def _copy_keys(key_files: tuple[Path, ...], folder: Path) -> list[str]:
    """--with-keys: the key files that exist, owner-only; their names for the manifest."""
    present = [p for p in key_files if p.is_file()]
    if not present:
        return []
    folder.mkdir(mode=0o700)
    names = []
    for path in present:
        target = folder / path.name
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
        shutil.copyfile(path, target)
        fsync_file(target)
        names.append(path.name)
    return names
