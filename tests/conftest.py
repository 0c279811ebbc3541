"""For every test: the database (tests/db_backends.py: SQLite, or PostgreSQL with
ATTEND_TEST_BACKEND=postgresql); the data folder, the configuration folder, the secret
ballots' master key and the face templates' key in temporary folders, never the user's own
(~/.local/share/attendance, ~/.config)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from db_backends import POSTGRES_URL, PostgresDatabases, SqliteDatabases, on_postgresql


@pytest.fixture(scope="session", autouse=True)
def private_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        path = tmp_path_factory.mktemp("keys") / "attendance.key"
        patch.setenv("ATTEND_SECRET_KEY_FILE", str(path))
        patch.setenv("ATTEND_KEY_FILE", str(path.with_name("templates.key")))
        patch.setenv("ATTEND_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        # Servers the tests start get a copy of the environment without ATTEND_ variables:
        # their defaults must land in temporary folders too.
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
        yield


@pytest.fixture(scope="session")
def databases(
    private_folders: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SqliteDatabases | PostgresDatabases]:
    """Where this run's test databases come from (tests/db_backends.py)."""
    if on_postgresql():
        assert POSTGRES_URL is not None
        postgres = PostgresDatabases(POSTGRES_URL)
        yield postgres
        postgres.close()
    else:
        yield SqliteDatabases(tmp_path_factory.mktemp("db-template"))


@pytest.fixture
def database_url(databases: SqliteDatabases | PostgresDatabases, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own, migrated to the newest revision, on this run's backend
    (SQLite unless ATTEND_TEST_BACKEND=postgresql); dropped after the test."""
    url = databases.migrated(tmp_path)
    yield url
    databases.drop(url)


@pytest.fixture
def empty_database_url(
    databases: SqliteDatabases | PostgresDatabases, tmp_path: Path
) -> Iterator[str]:
    """An empty database (no tables) of this test's own, on this run's backend: for tests of
    the migrations and of `attendance db upgrade`."""
    url = databases.empty(tmp_path)
    yield url
    databases.drop(url)


DATABASE_FIXTURES = frozenset({"database_url", "empty_database_url"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run the tests that open a database (those that ask for one of
    DATABASE_FIXTURES) and leave out those that never touch one: they ran on SQLite and
    would run the same here. Tests marked `sqlite_only` (forensics on the SQLite file) are
    left out too."""
    if not on_postgresql():
        return
    kept, left = [], []
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        uses_database = bool(names & DATABASE_FIXTURES)
        if uses_database and item.get_closest_marker("sqlite_only") is None:
            kept.append(item)
        else:
            left.append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
