"""A real database per test (SQLite, or PostgreSQL with ATTEND_TEST_BACKEND=postgresql),
migrated, each test in its own unit of work; processes that race on it (racing.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import racing
from racing import Racers
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from attendance.db import make_engine, make_session_factory

RACERS = 6


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """This run's backend (tests/db_backends.py): CI's PostgreSQL pass runs it there."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with factory() as db:
        yield db
        db.rollback()
    engine.dispose()


@pytest.fixture(scope="session")
def racers(private_folders: None) -> Iterator[Racers]:
    """Six worker processes (spawned once per run, with the tests' private folders in their
    environment) that race work on a test's database."""
    with racing.racers(RACERS) as pool:
        yield pool
