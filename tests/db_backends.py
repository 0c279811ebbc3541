"""The database every test runs on: SQLite (the default) or PostgreSQL for the whole suite.

`ATTEND_TEST_BACKEND=postgresql` (with `ATTEND_TEST_POSTGRES_URL` naming a database whose
role may CREATE DATABASE) runs every test that opens a database against PostgreSQL: each
test gets a database of its own, copied from a template migrated once per test process, and
dropped afterwards. On SQLite each test gets a file copied from a template migrated once, so
neither backend pays for the migrations in every test.

`ATTEND_TEST_POSTGRES_URL` alone runs nothing on PostgreSQL: the backend tests that once
compared both side by side (tests/attendance/test_backends.py and the races) run on this
run's backend like every other, so their PostgreSQL half runs in the PostgreSQL pass.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
BACKEND = os.environ.get("ATTEND_TEST_BACKEND", SQLITE).strip().lower() or SQLITE
POSTGRES_URL = os.environ.get("ATTEND_TEST_POSTGRES_URL") or None
if BACKEND not in (SQLITE, POSTGRESQL):
    raise RuntimeError(f"ATTEND_TEST_BACKEND must be sqlite or postgresql, not {BACKEND!r}")
if BACKEND == POSTGRESQL and POSTGRES_URL is None:
    raise RuntimeError("ATTEND_TEST_BACKEND=postgresql needs ATTEND_TEST_POSTGRES_URL")


def on_postgresql() -> bool:
    """Whether this run's tests use PostgreSQL."""
    return BACKEND == POSTGRESQL


@dataclass
class SqliteDatabases:
    """Files in the test's own folder, copied from one migrated template."""

    folder: Path
    _template: Path | None = None

    def template(self) -> Path:
        if self._template is None:
            from attendance.migrate import upgrade

            path = self.folder / "template.db"
            upgrade(f"sqlite:///{path}")
            # One file, no -wal beside it: the copies start whole.
            engine = create_engine(f"sqlite:///{path}")
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
            engine.dispose()
            self._template = path
        return self._template

    def migrated(self, folder: Path, name: str = "test.db") -> str:
        path = folder / name
        shutil.copyfile(self.template(), path)
        path.chmod(0o600)
        return f"sqlite:///{path}"

    def empty(self, folder: Path, name: str = "empty.db") -> str:
        return f"sqlite:///{folder / name}"

    def drop(self, url: str) -> None:
        """The file goes with the test's folder."""


@dataclass
class PostgresDatabases:
    """A database per test on one PostgreSQL server, copied from a template migrated once
    per test process (CREATE DATABASE ... TEMPLATE), dropped after the test."""

    admin_url: str
    prefix: str = field(default_factory=lambda: f"attendance_t{os.getpid()}")
    _counter: itertools.count[int] = field(default_factory=itertools.count)
    _template: str | None = None
    _admin: Engine | None = None

    def _engine(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        return self._admin

    def url_of(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str = "template0") -> None:
        self._drop(name)
        with self._engine().connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))

    def _drop(self, name: str) -> None:
        """FORCE ends what a test left connected; but PostgreSQL refuses it to a role that is
        no superuser while an autovacuum worker is in the database (after a test that wrote a
        lot), and a plain DROP then asks that worker to leave and waits for it."""
        for attempt in range(40):
            try:
                with self._engine().connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except ProgrammingError:  # InsufficientPrivilege: the autovacuum worker
                try:
                    with self._engine().connect() as connection:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                    return
                except OperationalError:  # still in use: try again shortly
                    if attempt == 39:
                        raise
                    time.sleep(0.25)

    def template(self) -> str:
        if self._template is None:
            from attendance.migrate import upgrade

            name = f"{self.prefix}_template"
            self._create(name)
            upgrade(self.url_of(name))
            self._template = name
        return self._template

    def migrated(self, folder: Path | None = None, name: str = "") -> str:
        database = f"{self.prefix}_{next(self._counter)}"
        self._create(database, template=self.template())
        return self.url_of(database)

    def empty(self, folder: Path | None = None, name: str = "") -> str:
        database = f"{self.prefix}_{next(self._counter)}"
        self._create(database)
        return self.url_of(database)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        assert name is not None
        self._drop(name)

    def close(self) -> None:
        if self._template is not None:
            self.drop(self.url_of(self._template))
            self._template = None
        if self._admin is not None:
            self._admin.dispose()
            self._admin = None


def sqlite_file(url: str) -> Path:
    """The file behind an SQLite URL; a test that reads the file itself is skipped on
    PostgreSQL (it has no file to read)."""
    import pytest

    parsed = make_url(url)
    if parsed.get_backend_name() != SQLITE or not parsed.database:
        pytest.skip("reads the SQLite file itself")
    return Path(parsed.database)


def count_rows(url: str) -> dict[str, int]:
    """Rows per table of the database at `url` (alembic's own table left out), on either
    backend: what a test reads to say nothing half-written stayed."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in sorted(metadata.tables.items())
                if name != "alembic_version"
            }
    finally:
        engine.dispose()
