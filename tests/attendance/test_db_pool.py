"""Each process's PostgreSQL connection pool comes from ATTEND_DB_POOL_SIZE and
ATTEND_DB_MAX_OVERFLOW (docs/deployment.md: max_connections covers workers x both)."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from pydantic import ValidationError
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout

from attendance.db import engine_of
from attendance.settings import Settings


def test_pool_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTEND_DB_POOL_SIZE", "3")
    monkeypatch.setenv("ATTEND_DB_MAX_OVERFLOW", "0")
    settings = Settings()
    assert (settings.db_pool_size, settings.db_max_overflow) == (3, 0)


@pytest.mark.parametrize(
    ("name", "value"), [("ATTEND_DB_POOL_SIZE", "0"), ("ATTEND_DB_MAX_OVERFLOW", "-1")]
)
def test_a_pool_that_cannot_work_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.removeprefix("ATTEND_").lower()):
        Settings()


def _connections_to(url: str) -> int:
    watcher = create_engine(url, pool_size=1, max_overflow=0)
    try:
        with watcher.connect() as connection:
            database = make_url(url).database
            query = select(func.count()).select_from(text("pg_stat_activity"))
            query = query.where(text("datname = :name")).params(name=database)
            return int(connection.execute(query).scalar_one()) - 1  # the watcher's own
    finally:
        watcher.dispose()


def test_a_worker_opens_no_more_postgresql_connections_than_its_pool(database_url: str) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("the pool settings are PostgreSQL's; SQLite ignores them")
    engine = engine_of(Settings(db_url=database_url, db_pool_size=2, db_max_overflow=1))
    engine.pool._timeout = 0.5  # fail fast below rather than wait the default 30 s
    try:
        with ExitStack() as held:
            for _ in range(3):
                held.enter_context(engine.connect()).execute(text("SELECT 1"))
            assert _connections_to(database_url) == 3
            with pytest.raises(PoolTimeout):
                engine.connect()
        # Back in the pool: the two it keeps stay open, the overflow one is closed.
        assert _connections_to(database_url) == 2
    finally:
        engine.dispose()
