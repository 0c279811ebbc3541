"""`attendance restore`: a backup (attendance/backup.py) back into the configured database.

Checked before anything is replaced: no server running on the target (restore_checks), the
manifest's signature (HMAC under the installation's secret key), the file's SHA-256, a
revision this version knows. SQLite: the copy is written beside the database, checked
(PRAGMA integrity_check, the audit chain ending at the manifest's head, the row counts),
migrated to head, its schema compared with the migrations', synced and renamed over it, the
old WAL removed first (applied to the new file it would corrupt it). PostgreSQL: the same
checks in a scratch database `<target>_restore_check_<pid>` (dropped after), then
`pg_restore --clean --if-exists --single-transaction` into the target. The document files
the manifest lists are checked (size, SHA-256) before anything is replaced, written into the
documents folder before the database (extra files harm nothing; a database naming files not
yet there would), and the folder's files the restored database does not name removed after.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from attendance.audit_verify import verify_chain
from attendance.backup import signing_key
from attendance.backup_documents import check_backup_files, named_files, put_back, remove_unnamed
from attendance.backup_manifest import Manifest, file_digest, revision_of, row_counts
from attendance.data_dir import sqlite_file
from attendance.documents.store import DocumentStore
from attendance.durable import fsync_file, fsync_folder
from attendance.errors import Conflict, Invalid
from attendance.migrate import alembic_config, upgrade
from attendance.pg_tools import find_program, libpq_target, run_program
from attendance.restore_checks import check_schema, refuse_if_server_running, scratch_database
from attendance.worker_tables import JobLease

logger = logging.getLogger(__name__)

SEEDED = frozenset({"audit_chain_head"})  # the one row the migrations write themselves


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    integrity: str  # "ok" (SQLite), or "-" where the backend has no such check
    audit_entries: int
    revision: str | None  # after any migration
    documents: int = 0  # files written into the documents folder
    documents_removed: int = 0  # files there the restored database does not name


def restore(
    db_url: str,
    folder: Path,
    *,
    force: bool = False,
    trust_unsigned: bool = False,
    documents_dir: Path | None = None,
) -> RestoreReport:
    """`trust_unsigned`: restore a backup whose manifest this installation did not sign
    (another installation's, or one changed since): its content is then only as safe as
    wherever it came from. `documents_dir`: the documents folder the files go back into."""
    manifest = Manifest.read(folder)
    if not trust_unsigned and not manifest.signed_by(signing_key()):
        raise Invalid(
            "manifest.json không có chữ ký đúng của cài đặt này (khóa ATTEND_SECRET_KEY_FILE "
            "khác, hoặc bản sao lưu đã bị sửa): không khôi phục. Chỉ khi chắc chắn bản sao lưu "
            "đáng tin, chạy lại với --trust-unsigned. "
            "manifest.json is not signed by this installation (another ATTEND_SECRET_KEY_FILE "
            "key, or the backup was changed): not restored. Only if the backup is surely "
            "trustworthy, run again with --trust-unsigned."
        )
    backend = make_url(db_url).get_backend_name()
    if backend != manifest.backend:
        raise Invalid(
            f"Bản sao lưu là của {manifest.backend}, cơ sở dữ liệu đang cấu hình là {backend}. "
            "Để chuyển SQLite sang PostgreSQL: khôi phục vào SQLite rồi dùng attendance db copy. "
            f"The backup is of {manifest.backend}, the configured database is {backend}. To "
            "move SQLite to PostgreSQL: restore into SQLite, then attendance db copy."
        )
    dump = folder / manifest.database_file
    if not dump.is_file() or file_digest(dump) != (manifest.bytes, manifest.sha256):
        raise Invalid(
            f"{dump} bị thiếu hoặc đã thay đổi (SHA-256 khác manifest.json). "
            f"{dump} is missing or changed (its SHA-256 differs from manifest.json)."
        )
    _known_revision(manifest.revision)
    check_backup_files(folder, manifest.documents)
    if manifest.documents and documents_dir is None:
        raise Invalid(
            "Bản sao lưu có tệp tài liệu nhưng không có thư mục tài liệu để khôi phục vào. "
            "The backup holds document files but no documents folder was given to restore "
            "them into."
        )
    try:
        refuse_if_server_running(db_url)
        if not force:
            _refuse_unless_empty(db_url)
    except DBAPIError as exc:
        raise Invalid(
            f"Không đọc được cơ sở dữ liệu đích ({exc.orig}); nếu nó hỏng, dừng máy chủ và "
            "chạy lại với --force để thay. "
            f"The target database cannot be read ({exc.orig}); if it is damaged, stop the "
            "server and run again with --force to replace it."
        ) from exc
    added: set[str] = set()
    if documents_dir is not None:
        added = put_back(folder, manifest.documents, documents_dir)
    try:
        integrity = _restore_database(db_url, dump, manifest, force=force)
    except BaseException:
        # The old database stays: so does its folder, without the files brought for the new.
        if documents_dir is not None:
            DocumentStore(documents_dir).unlink(added)
        raise
    upgrade(db_url)
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            revision = revision_of(connection)
            named = named_files(connection)
            # The backed-up server's job leases came back with its rows; that server is
            # gone (no server runs: checked above), so the next one's hourly jobs need not
            # wait for leases nobody holds.
            connection.execute(delete(JobLease))
    finally:
        engine.dispose()
    removed = remove_unnamed(documents_dir, named) if documents_dir is not None else 0
    seq = int(manifest.audit_head["seq"])
    written = len(manifest.documents)
    return RestoreReport(manifest, integrity, seq, revision, written, removed)


def _restore_database(db_url: str, dump: Path, manifest: Manifest, *, force: bool) -> str:
    try:
        if make_url(db_url).get_backend_name() == "sqlite":
            return _restore_sqlite(db_url, dump, manifest)
        return _restore_postgres(db_url, dump, manifest, force=force)
    except DBAPIError as exc:
        raise Invalid(
            f"Bản sao lưu bị hỏng hoặc không đọc được ({exc.orig}). "
            f"The backup is damaged or unreadable ({exc.orig})."
        ) from exc


def _known_revision(revision: str | None) -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        raise Invalid(
            f"Bản sao lưu ở phiên bản cơ sở dữ liệu {revision}, phiên bản phần mềm này không "
            "biết (bản mới hơn?): hãy cài bản đã tạo ra nó. "
            f"The backup is at database revision {revision}, which this version does not "
            "know (a newer one?): install the version that made it."
        )


def _refuse_unless_empty(db_url: str) -> None:
    path = sqlite_file(db_url)
    if path is not None and not path.exists():
        return
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            if revision_of(connection) is None:
                return
            counts = row_counts(connection)
    finally:
        engine.dispose()
    held = {name: n for name, n in counts.items() if n and name not in SEEDED}
    if held:
        listed = ", ".join(f"{name} {n}" for name, n in sorted(held.items())[:8])
        raise Conflict(
            "Cơ sở dữ liệu đích đã có dữ liệu "
            f"({listed}). Hãy dừng máy chủ, rồi chạy lại với --force để thay toàn bộ. "
            f"The target database holds data ({listed}). Stop the server, then run again "
            "with --force to replace all of it."
        )


def _check(engine: Engine, manifest: Manifest) -> None:
    """The chain intact and ending at the manifest's head; every table's rows there."""
    report = verify_chain(engine)
    if report.problem is not None:
        raise Invalid(report.problem.message)
    head = manifest.audit_head
    if (report.head.seq, report.head.hash) != (head["seq"], head["hash"]):
        raise Invalid(
            f"Nhật ký khôi phục kết thúc ở mục {report.head.seq}, manifest ghi {head['seq']}. "
            f"The restored log ends at entry {report.head.seq}; the manifest says {head['seq']}."
        )
    with engine.connect() as connection:
        counts = row_counts(connection)
    wrong = {t: (counts.get(t), n) for t, n in manifest.rows.items() if counts.get(t) != n}
    if wrong:
        raise Invalid(
            f"Số dòng khác manifest: {wrong}. Row counts differ from the manifest: {wrong}."
        )


def _restore_sqlite(db_url: str, dump: Path, manifest: Manifest) -> str:
    target = sqlite_file(db_url)
    if target is None:
        raise Invalid("Không khôi phục vào bộ nhớ. Cannot restore into memory.")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    draft = target.with_name(f".{target.name}.restore-{secrets.token_hex(4)}")
    try:
        os.close(os.open(draft, os.O_CREAT | os.O_WRONLY, 0o600))
        shutil.copyfile(dump, draft)
        engine = create_engine(f"sqlite:///{draft}")
        try:
            with engine.connect() as connection:
                rows = connection.exec_driver_sql("PRAGMA integrity_check").fetchall()
            if [tuple(r) for r in rows] != [("ok",)]:
                raise Invalid(
                    f"PRAGMA integrity_check: {rows[:5]}. Bản sao lưu bị hỏng. The backup is "
                    "damaged."
                )
            _check(engine, manifest)
        finally:
            engine.dispose()
        upgrade(f"sqlite:///{draft}")
        engine = create_engine(f"sqlite:///{draft}")
        try:
            check_schema(engine)
        finally:
            engine.dispose()
        fsync_file(draft)
        # The old database's WAL would be replayed onto the new file: it goes first.
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(draft, target)
        fsync_folder(target.parent)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            draft.with_name(draft.name + suffix).unlink(missing_ok=True)
    return "ok"


def _restore_postgres(db_url: str, dump: Path, manifest: Manifest, *, force: bool) -> str:
    """Checked whole in a scratch database first: the target is replaced only by a dump that
    passed, in one transaction."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            major = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
        pg_restore = find_program("pg_restore", server_major=major)
        with scratch_database(db_url, force=force) as scratch_url:
            if scratch_url is not None:
                _pg_restore(pg_restore.path, scratch_url, dump)
                scratch = create_engine(scratch_url)
                try:
                    _check(scratch, manifest)
                    upgrade(scratch_url)
                    check_schema(scratch)
                finally:
                    scratch.dispose()
        _pg_restore(pg_restore.path, db_url, dump)
        _check(engine, manifest)
    finally:
        engine.dispose()
    return "-"


def _pg_restore(program: Path, db_url: str, dump: Path) -> None:
    target, env = libpq_target(db_url)
    command = [str(program), "--clean", "--if-exists", "--single-transaction"]
    command += ["--no-owner", "--no-acl", "-d", target, str(dump)]
    run_program(command, env, "pg_restore")
