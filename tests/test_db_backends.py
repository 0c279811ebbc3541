"""The per-test databases of tests/db_backends.py, on this run's backend."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from attendance.orm import Base


def tables_of(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_test_database_is_migrated_to_the_newest_revision(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    from attendance.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    assert version == head
    assert set(Base.metadata.tables) <= tables_of(database_url)


def test_each_test_gets_its_own_database(database_url: str, empty_database_url: str) -> None:
    assert database_url != empty_database_url
    assert tables_of(empty_database_url) == set()
    assert "people" in tables_of(database_url)
