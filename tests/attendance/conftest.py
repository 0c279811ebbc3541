"""A real database per test (SQLite, or PostgreSQL with ATTEND_TEST_BACKEND=postgresql),
migrated, each test in its own unit of work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from attendance.db import make_engine, make_session_factory


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with factory() as db:
        yield db
        db.rollback()
    engine.dispose()
