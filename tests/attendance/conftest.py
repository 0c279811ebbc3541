"""A real SQLite database per test, created from the ORM, each test in its own unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from attendance.db import make_engine, make_session_factory
from attendance.orm import Base


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    with factory() as db:
        yield db
        db.rollback()
    engine.dispose()
