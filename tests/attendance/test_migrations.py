"""Alembic is the only way the schema changes: migrations from empty must match the ORM, on
SQLite and on PostgreSQL (ATTEND_TEST_BACKEND), and data migrations keep the rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from attendance.db import make_engine
from attendance.migrate import alembic_config, upgrade
from attendance.orm import Base


def test_migrations_from_an_empty_database_match_the_orm(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert differences == []
    assert set(Base.metadata.tables) <= tables


def test_upgrade_twice_is_harmless(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    assert _rows(empty_database_url)["meetings"] == 0


@pytest.mark.sqlite_only
def test_sqlite_database_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    engine.dispose()
    assert mode == "wal"


def test_secret_choices_become_counters_and_back(empty_database_url: str) -> None:
    url = empty_database_url
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
            " (1, 1, 'Nghị quyết', '', 'motion', 'secret', 'members', 'absolute', 1, 2, TRUE, 1,"
            " 2, 1, FALSE, 'open', 3, '2026-01-01')"
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


def _insert(db: Connection, table: str, **values: object) -> int:
    """One row by the table's own id (explicit ids would leave PostgreSQL's sequences behind)."""
    names = ", ".join(values)
    marks = ", ".join(f":{n}" for n in values)
    return int(
        db.scalar(text(f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id"), values)
    )


def _template(db: Connection, person_id: int, photo: str) -> int:
    return _insert(
        db,
        "face_templates",
        person_id=person_id,
        model_key="m",
        dim=1,
        embedding=b"\0\0\0\0",
        det_score=0.9,
        face_px=100,
        sharpness=100,
        brightness=100,
        yaw=0,
        photo_sha256=photo,
        created_at="2026-01-01",
    )


def test_ids_of_deleted_rows_are_never_given_again_after_0009(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade(url, "0008")
    engine = make_engine(url)
    with engine.begin() as db:
        people = [
            _insert(
                db,
                "people",
                full_name=f"Người {n}",
                search_name=f"nguoi {n}",
                created_at="2026-01-01",
            )
            for n in (1, 2)
        ]
        templates = [_template(db, person, str(person)) for person in people]
        meeting = _insert(
            db,
            "meetings",
            title="Họp",
            starts_at="2026-01-01",
            ends_at="2026-01-02",
            late_after_minutes=15,
            created_at="2026-01-01",
        )
        for person in people:
            db.execute(
                text(
                    "INSERT INTO meeting_participants (meeting_id, person_id, voting_rights)"
                    " VALUES (:m, :p, TRUE)"
                ),
                {"m": meeting, "p": person},
            )
            _insert(
                db,
                "attendance_events",
                meeting_id=meeting,
                person_id=person,
                kind="arrived",
                at="2026-01-01",
                source="kiosk",
                idempotency_key=f"k{person}",
                created_at="2026-01-01",
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
        if engine.dialect.name == "sqlite":
            assert db.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert db.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        db.execute(text("DELETE FROM face_templates WHERE id = :t"), {"t": templates[1]})
        db.execute(text("DELETE FROM people WHERE id = :p"), {"p": people[1]})
        new_person = _insert(
            db, "people", full_name="Người mới", search_name="nguoi moi", created_at="2026-01-02"
        )
        new_template = _template(db, people[0], "new")
    engine.dispose()
    # Not the deleted ones' ids: a kiosk holding template 2 drops it
    assert (new_person, new_template) == (people[1] + 1, templates[1] + 1)
