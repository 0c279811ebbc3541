"""`attendance db copy` refuses a target that holds any table (another application's, or an
installation of ours at any revision) before it writes anything, the migrations included."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_backends import POSTGRES_URL, PostgresDatabases
from sqlalchemy import create_engine, inspect, text

from attendance.backup_manifest import revision_of
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.db_copy import copy_database
from attendance.errors import Conflict
from attendance.migrate import upgrade
from attendance.people import create_person

pytestmark = pytest.mark.skipif(
    POSTGRES_URL is None,
    reason="needs ATTEND_TEST_POSTGRES_URL (a PostgreSQL whose role may CREATE DATABASE)",
)


@pytest.fixture
def postgres() -> Iterator[PostgresDatabases]:
    assert POSTGRES_URL is not None
    databases = PostgresDatabases(POSTGRES_URL, prefix=f"i13_fix_backup_{os.getpid()}")
    yield databases
    databases.close()


@pytest.fixture
def source(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'source.db'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        create_person(session, full_name="Nguyễn Văn An")
    engine.dispose()
    return url


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
    engine.dispose()
    return names


def test_a_database_of_another_application_is_refused_untouched(
    postgres: PostgresDatabases, source: str
) -> None:
    target = postgres.empty()
    engine = create_engine(target)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)"))
        connection.execute(text("INSERT INTO customers VALUES (1, 'khách')"))
    engine.dispose()
    try:
        with pytest.raises(Conflict, match="customers"):
            copy_database(source, target)
        assert tables(target) == {"customers"}
    finally:
        postgres.drop(target)


def test_an_older_installation_of_ours_is_refused_and_not_migrated(
    postgres: PostgresDatabases, source: str
) -> None:
    target = postgres.empty()
    upgrade(target, "0018")
    try:
        with pytest.raises(Conflict, match="already has tables"):
            copy_database(source, target)
        engine = create_engine(target)
        with engine.connect() as connection:
            assert revision_of(connection) == "0018"
        engine.dispose()
    finally:
        postgres.drop(target)
