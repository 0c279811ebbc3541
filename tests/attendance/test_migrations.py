"""Alembic is the only way the schema changes: migrations from empty must match the ORM."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from attendance.db import make_engine
from attendance.migrate import alembic_config, upgrade
from attendance.orm import Base


def test_migrations_from_an_empty_database_match_the_orm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert differences == []
    assert set(Base.metadata.tables) <= tables


def test_upgrade_twice_is_harmless(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    upgrade(url)
    upgrade(url)


def test_sqlite_database_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    engine.dispose()
    assert mode == "wal"


def test_secret_choices_become_counters_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'secret.db'}"
    upgrade(url, "0004")
    engine = make_engine(url)
    with engine.begin() as db:
        db.exec_driver_sql(
            "INSERT INTO meetings (id, title, starts_at, ends_at, late_after_minutes, created_at)"
            " VALUES (1, 'Kỳ họp', '2026-01-01', '2026-01-02', 15, '2026-01-01')"
        )
        db.exec_driver_sql(
            "INSERT INTO polls (id, meeting_id, title, description, kind, secrecy, base, majority,"
            " majority_num, majority_den, abstentions_in_base, quorum_num, quorum_den,"
            " max_choices, allow_change, state, ballots_cast, created_at) VALUES"
            " (1, 1, 'Nghị quyết', '', 'motion', 'secret', 'members', 'absolute', 1, 2, 1, 1, 2,"
            " 1, 0, 'open', 3, '2026-01-01')"
        )
        for option in (1, 2, 3):
            db.exec_driver_sql(
                "INSERT INTO poll_options (id, poll_id, position, label, role)"
                f" VALUES ({option}, 1, {option}, 'o{option}', 'choice')"
            )
        for key, option in (("a", 1), ("b", 1), ("c", 3)):
            db.exec_driver_sql(
                "INSERT INTO poll_secret_choices (id, poll_id, option_id)"
                f" VALUES ('{key}', 1, {option})"
            )
    upgrade(url)
    with engine.connect() as db:
        counts = db.exec_driver_sql(
            "SELECT option_id, votes FROM poll_secret_counts ORDER BY option_id"
        ).all()
    assert [tuple(row) for row in counts] == [(1, 2), (2, 0), (3, 1)]
    command.downgrade(alembic_config(url), "0004")
    with engine.connect() as db:
        back = db.exec_driver_sql(
            "SELECT option_id, count(*) FROM poll_secret_choices GROUP BY option_id"
        ).all()
    engine.dispose()
    assert sorted(tuple(row) for row in back) == [(1, 2), (3, 1)]
