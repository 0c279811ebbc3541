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


def _rows(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as db:
        names = [n for n in inspect(db).get_table_names() if n != "alembic_version"]
        counts = {
            n: int(db.exec_driver_sql(f'SELECT count(*) FROM "{n}"').scalar() or 0) for n in names
        }
    engine.dispose()
    return counts


def test_ids_of_deleted_rows_are_never_given_again_after_0009(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ids.db'}"
    upgrade(url, "0008")
    engine = make_engine(url)
    with engine.begin() as db:
        for person in (1, 2):
            db.exec_driver_sql(
                "INSERT INTO people (id, full_name, search_name, created_at)"
                f" VALUES ({person}, 'Người {person}', 'nguoi {person}', '2026-01-01')"
            )
            db.exec_driver_sql(
                "INSERT INTO face_templates (id, person_id, model_key, dim, embedding, det_score,"
                " face_px, sharpness, brightness, yaw, photo_sha256, created_at) VALUES"
                f" ({person}, {person}, 'm', 1, x'00000000', 0.9, 100, 100, 100, 0, '{person}',"
                " '2026-01-01')"
            )
        db.exec_driver_sql(
            "INSERT INTO meetings (id, title, starts_at, ends_at, late_after_minutes, created_at)"
            " VALUES (1, 'Họp', '2026-01-01', '2026-01-02', 15, '2026-01-01')"
        )
        for person in (1, 2):
            db.exec_driver_sql(
                "INSERT INTO meeting_participants (meeting_id, person_id, voting_rights)"
                f" VALUES (1, {person}, 1)"
            )
            db.exec_driver_sql(
                "INSERT INTO attendance_events (meeting_id, person_id, kind, at, source,"
                " idempotency_key, created_at) VALUES"
                f" (1, {person}, 'arrived', '2026-01-01', 'kiosk', 'k{person}', '2026-01-01')"
            )
    engine.dispose()
    before = _rows(url)
    upgrade(url)
    # Rebuilding the tables keeps every row: dropping `people` with foreign keys on would
    # have deleted every template, roster entry and arrival that refers to it.
    after = _rows(url)
    assert {n: after[n] for n in before} == before and before["attendance_events"] == 2
    engine = make_engine(url)
    with engine.begin() as db:
        assert db.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert db.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        db.exec_driver_sql("DELETE FROM face_templates WHERE id = 2")
        db.exec_driver_sql("DELETE FROM people WHERE id = 2")
        db.exec_driver_sql(
            "INSERT INTO people (full_name, search_name, created_at)"
            " VALUES ('Người mới', 'nguoi moi', '2026-01-02')"
        )
        new_person = db.exec_driver_sql("SELECT max(id) FROM people").scalar()
        db.exec_driver_sql(
            "INSERT INTO face_templates (person_id, model_key, dim, embedding, det_score,"
            " face_px, sharpness, brightness, yaw, photo_sha256, created_at) VALUES"
            " (1, 'm', 1, x'00000000', 0.9, 100, 100, 100, 0, 'new', '2026-01-02')"
        )
        new_template = db.exec_driver_sql("SELECT max(id) FROM face_templates").scalar()
    engine.dispose()
    assert (new_person, new_template) == (3, 3)  # not 2: a kiosk holding template 2 drops it
