"""What a restore checks besides the data (attendance/restore.py): that no server still uses
the target database (its workers' live leases in `job_leases`), and that the restored schema
is the migrations' own: no table, column, trigger, view or function that they did not make."""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from attendance.data_dir import sqlite_file
from attendance.errors import Conflict, Invalid, Unavailable
from attendance.orm import Base, utcnow
from attendance.worker_tables import JobLease

logger = logging.getLogger(__name__)

SYSTEM_SCHEMAS = "('pg_catalog', 'information_schema', 'pg_toast')"


def refuse_if_server_running(db_url: str) -> None:
    """A server's workers renew their job leases while they run: a lease not yet expired,
    whose holder is not a process known dead on this machine, is a live server. SQLite: so
    is a file another process holds open."""
    path = sqlite_file(db_url)
    if path is not None and not path.exists():
        return
    live: dict[str, str] = {}
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            if inspect(connection).has_table(JobLease.__tablename__):
                leases = connection.execute(
                    select(JobLease.holder, JobLease.expires_at).where(
                        JobLease.expires_at > utcnow()
                    )
                ).all()
                live = {h: f"{at:%Y-%m-%d %H:%M} UTC" for h, at in leases if _may_be_alive(h)}
    except DBAPIError as exc:
        if path is None:  # PostgreSQL: a database that cannot be read is not restored into
            raise
        logger.warning("the target's job leases cannot be read (%s): damaged?", exc.orig)
    finally:
        engine.dispose()
    if not live and path is not None and _open_elsewhere(path):
        live = {"?": "-"}
    if live:
        who, until = ", ".join(sorted(live)[:4]), max(live.values())
        raise Conflict(
            f"Máy chủ đang chạy trên cơ sở dữ liệu này (tiến trình {who} còn giữ việc định kỳ "
            "hoặc mở tệp): hãy dừng máy chủ trước khi khôi phục, kể cả khi có --force; lượt "
            "điểm danh ghi sau khi khôi phục sẽ mất. Máy chủ đã bị tắt ngang trên máy khác: "
            f"chờ đến {until}. "
            f"A server is running on this database (worker(s) {who} hold live job leases or "
            "the open file): stop the server before restoring, even with --force; check-ins "
            "written after the restore would be lost. A server killed on another machine: "
            f"wait until {until}."
        )


def _open_elsewhere(path: Path) -> bool:
    """SQLite: another process holds the file open (in WAL mode each connection keeps a
    shared lock): an exclusive lock cannot be had within a moment."""
    probe = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("SELECT count(*) FROM sqlite_master").fetchall()
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    except sqlite3.DatabaseError:  # not a database (damaged): nobody uses it
        return False
    finally:
        probe.close()
    return False


def _may_be_alive(holder: str) -> bool:
    """`host:pid:random` (job_leases.worker_name): dead only if on this host and gone."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:64] or not pid_text.isdigit():
        return True
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_schema(engine: Engine) -> None:
    """The database (migrated to head) against the ORM, as tests/attendance/test_migrations
    does; and none of the objects our migrations never make (triggers, views, functions)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
        foreign = _foreign_objects(connection)
    if differences or foreign:
        named = [str(d)[:120] for d in differences[:5]] + foreign[:5]
        raise Invalid(
            f"Lược đồ của bản sao lưu khác lược đồ của phần mềm này ({'; '.join(named)}): "
            "không khôi phục. "
            f"The backup's schema differs from this version's ({'; '.join(named)}): not "
            "restored."
        )


def _foreign_objects(connection: Connection) -> list[str]:
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')"
        ).all()
        return [f"{kind} {name}" for kind, name in rows]
    queries = {
        "trigger": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
        "view": "SELECT table_schema || '.' || table_name FROM information_schema.views "
        f"WHERE table_schema NOT IN {SYSTEM_SCHEMAS}",
        "function": "SELECT n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n "
        f"ON n.oid = p.pronamespace WHERE n.nspname NOT IN {SYSTEM_SCHEMAS}",
        "schema": "SELECT nspname FROM pg_namespace WHERE nspname NOT IN "
        f"{SYSTEM_SCHEMAS[:-1]}, 'public') AND nspname NOT LIKE 'pg_temp_%' "
        "AND nspname NOT LIKE 'pg_toast_temp_%'",
    }
    found = []
    for kind, query in queries.items():
        found += [f"{kind} {name}" for (name,) in connection.execute(text(query)).all()]
    return found


@contextmanager
def scratch_database(db_url: str, *, force: bool) -> Iterator[str | None]:
    """A new empty database `<target>_restore_check_<pid>` beside the target, dropped after;
    None (with --force only) where the role may not create one."""
    url = make_url(db_url)
    name = f"{(url.database or 'attendance')[:30]}_restore_check_{os.getpid()}"
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        try:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        except DBAPIError as exc:
            if not force:
                raise Unavailable(
                    f"Không tạo được cơ sở dữ liệu tạm {name} để kiểm tra bản sao lưu trước "
                    f"khi thay ({exc.orig}); cấp quyền CREATEDB, hoặc chạy với --force (dữ liệu "
                    "cũ bị thay trước khi kiểm tra). "
                    f"Cannot create the scratch database {name} to check the backup before "
                    f"replacing anything ({exc.orig}); grant CREATEDB, or run with --force (the "
                    "old data is then replaced before the checks)."
                ) from exc
            logger.warning("no scratch database (%s): restoring unchecked, --force", exc.orig)
            yield None
            return
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()
