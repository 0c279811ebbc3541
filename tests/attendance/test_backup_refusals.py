"""What backup and restore refuse, and that a refusal leaves everything as it was: a folder
that is no backup (backup --force), a running server, a tampered or foreign manifest, a
schema with objects our migrations never make, a damaged backup, a failing restore."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from db_backends import count_rows, sqlite_file
from sqlalchemy import create_engine, select

from attendance.backup import backup, signing_key
from attendance.backup_manifest import MANIFEST, Manifest, file_digest
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.errors import Conflict, DomainError, Invalid
from attendance.orm import Person, utcnow
from attendance.people import create_person
from attendance.restore import restore
from attendance.worker_tables import JobLease


def add_person(url: str, name: str) -> None:
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        create_person(session, full_name=name)
    engine.dispose()


def names(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(select(Person.full_name).order_by(Person.id)).scalars()
        out = list(found)
    engine.dispose()
    return out


def rewrite(folder: Path, *, sign: bool = True, **changes: Any) -> None:
    """manifest.json with `changes`, signed again (as by this installation) or not."""
    data = json.loads((folder / MANIFEST).read_text())
    data.update(changes)
    manifest = Manifest(**data)
    if sign:
        manifest.sign(signing_key())
    manifest.write(folder)


def test_backup_force_replaces_a_backup_but_never_another_folder(
    database_url: str, tmp_path: Path
) -> None:
    victim = tmp_path / "out" / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "sub" / "important.txt").write_text("precious")
    (victim / MANIFEST).write_text('{"format": "something else"}')
    with pytest.raises(Conflict, match="not an attendance backup"):
        backup(database_url, victim, force=True)
    assert (victim / "sub" / "important.txt").read_text() == "precious"
    assert [p.name for p in victim.parent.iterdir()] == ["victim"]  # no draft left

    add_person(database_url, "Lần một")
    backup(database_url, tmp_path / "b")
    add_person(database_url, "Lần hai")
    backup(database_url, tmp_path / "b", force=True)
    assert Manifest.read(tmp_path / "b").rows["people"] == 2


def hold_lease(url: str, holder: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(JobLease.__table__.delete())
        connection.execute(
            JobLease.__table__.insert().values(
                name="reminders", holder=holder, expires_at=utcnow() + timedelta(minutes=5)
            )
        )
    engine.dispose()


def test_restore_is_refused_while_a_server_holds_live_leases_even_with_force(
    database_url: str, tmp_path: Path
) -> None:
    backup(database_url, tmp_path / "b")
    add_person(database_url, "Người đang họp")
    host = socket.gethostname()[:64]
    hold_lease(database_url, f"{host}:{os.getpid()}:0a1b2c3d")

    with pytest.raises(Conflict, match="stop the server"):
        restore(database_url, tmp_path / "b", force=True)
    assert names(database_url) == ["Người đang họp"]

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    hold_lease(database_url, f"{host}:{gone.pid}:0a1b2c3d")  # a server killed: not live
    restore(database_url, tmp_path / "b", force=True)
    assert names(database_url) == []


def test_a_manifest_not_signed_by_this_installation_is_refused_unless_trusted(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    add_person(database_url, "Nguyễn Văn An")
    backup(database_url, tmp_path / "b")
    rewrite(tmp_path / "b", sign=False, created_at="2020-01-01T00:00:00.000000Z")

    with pytest.raises(Invalid, match="not signed"):
        restore(empty_database_url, tmp_path / "b")
    assert count_rows(empty_database_url) == {}

    restore(empty_database_url, tmp_path / "b", trust_unsigned=True)
    assert names(empty_database_url) == ["Nguyễn Văn An"]


def test_a_backup_whose_checks_fail_leaves_the_target_as_it_was(
    database_url: str, tmp_path: Path
) -> None:
    """The manifest claims one more person than the dump holds (and is signed): refused
    after the checks, which on PostgreSQL run in a scratch database, not in the target."""
    add_person(database_url, "Người trong bản sao lưu")
    manifest = backup(database_url, tmp_path / "b")
    rewrite(tmp_path / "b", rows={**manifest.rows, "people": 2})
    target = database_url
    engine = create_engine(target)
    with engine.begin() as connection:
        connection.execute(Person.__table__.delete())
    engine.dispose()
    add_person(target, "ORIGINAL PERSON")

    with pytest.raises(Invalid, match="Row counts differ"):
        restore(target, tmp_path / "b", force=True)
    assert names(target) == ["ORIGINAL PERSON"]
    assert not any(".restore-" in p.name for p in tmp_path.rglob("*"))


FOREIGN = {
    "sqlite": [
        "CREATE TRIGGER evil AFTER INSERT ON attendance_events BEGIN "
        "UPDATE attendance_events SET person_id = 1 WHERE id = NEW.id; END",
    ],
    "postgresql": [
        "CREATE FUNCTION evil() RETURNS trigger LANGUAGE plpgsql AS "
        "$$BEGIN NEW.person_id := 1; RETURN NEW; END$$",
        "CREATE TRIGGER evil BEFORE INSERT ON attendance_events FOR EACH ROW "
        "EXECUTE FUNCTION evil()",
    ],
}


@pytest.mark.parametrize("extra", ["trigger", "table"])
def test_a_backup_with_objects_our_migrations_never_make_is_refused(
    database_url: str, empty_database_url: str, tmp_path: Path, extra: str
) -> None:
    engine = create_engine(database_url)
    with engine.begin() as connection:
        if extra == "trigger":
            for statement in FOREIGN[connection.dialect.name]:
                connection.exec_driver_sql(statement)
        else:
            connection.exec_driver_sql("CREATE TABLE extra (x INTEGER)")
    engine.dispose()
    add_person(database_url, "Nguyễn Văn An")
    backup(database_url, tmp_path / "b")

    with pytest.raises(Invalid, match="schema differs"):
        restore(empty_database_url, tmp_path / "b")
    assert count_rows(empty_database_url) == {}


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        "null",
        '{"format": "attendance-backup/1"}',
        "{rows: []",
        "\xff",
    ],
)
def test_a_corrupt_manifest_is_refused_in_words(
    database_url: str, empty_database_url: str, tmp_path: Path, content: str
) -> None:
    backup(database_url, tmp_path / "b")
    (tmp_path / "b" / MANIFEST).write_bytes(content.encode("latin-1"))
    with pytest.raises(Invalid, match="is not an attendance backup"):
        restore(empty_database_url, tmp_path / "b")
    assert count_rows(empty_database_url) == {}


@pytest.mark.parametrize(
    "changes",
    [
        {"rows": []},
        {"rows": {"people": "1"}},
        {"audit_head": {}},
        {"audit_head": None},
        {"database_file": "../elsewhere.db"},
        {"database_file": "/etc/passwd"},
        {"backend": "oracle"},
    ],
)
def test_a_manifest_with_fields_of_the_wrong_kind_is_refused_in_words(
    database_url: str, empty_database_url: str, tmp_path: Path, changes: dict[str, Any]
) -> None:
    backup(database_url, tmp_path / "b")
    data = json.loads((tmp_path / "b" / MANIFEST).read_text())
    data.update(changes)
    (tmp_path / "b" / MANIFEST).write_text(json.dumps(data))
    with pytest.raises(Invalid, match="is not an attendance backup"):
        restore(empty_database_url, tmp_path / "b")
    assert count_rows(empty_database_url) == {}


def test_a_truncated_database_file_is_refused_in_words(database_url: str, tmp_path: Path) -> None:
    add_person(database_url, "Nguyễn Văn An")
    manifest = backup(database_url, tmp_path / "b")
    add_person(database_url, "Trần Thị Bình")
    dump = tmp_path / "b" / manifest.database_file
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    size, digest = file_digest(dump)
    rewrite(tmp_path / "b", bytes=size, sha256=digest)

    with pytest.raises(DomainError) as refused:
        restore(database_url, tmp_path / "b", force=True)
    assert ". " in refused.value.message  # the bilingual message, not a traceback
    assert names(database_url) == ["Nguyễn Văn An", "Trần Thị Bình"]


@pytest.mark.sqlite_only
def test_restore_is_refused_while_another_process_holds_the_sqlite_file_open(
    database_url: str, tmp_path: Path
) -> None:
    backup(database_url, tmp_path / "b")
    add_person(database_url, "Người đang họp")
    path = sqlite_file(database_url)
    holding = (
        "import sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "db.execute('SELECT count(*) FROM people').fetchall()\n"
        "print('open', flush=True)\n"
        "sys.stdin.read()\n"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", holding, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline() == "open\n"
        with pytest.raises(Conflict, match="stop the server"):
            restore(database_url, tmp_path / "b", force=True)
        assert names(database_url) == ["Người đang họp"]
    finally:
        server.communicate("")
    restore(database_url, tmp_path / "b", force=True)
    assert names(database_url) == []


@pytest.mark.sqlite_only
def test_a_damaged_sqlite_target_is_refused_in_words_and_replaced_with_force(
    database_url: str, tmp_path: Path
) -> None:
    add_person(database_url, "Nguyễn Văn An")
    backup(database_url, tmp_path / "b")
    path = sqlite_file(database_url)
    path.write_bytes(b"not a database " * 500)

    with pytest.raises(Invalid, match="cannot be read"):
        restore(database_url, tmp_path / "b")
    restore(database_url, tmp_path / "b", force=True)
    assert names(database_url) == ["Nguyễn Văn An"]
