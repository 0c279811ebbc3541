"""Backup and restore on the run's backend: what comes back, what is refused, what a backup
holds besides the database (manifest.json; the keys only when asked)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from db_backends import count_rows, sqlite_file
from sqlalchemy import create_engine, select

from attendance.audit_verify import verify_chain
from attendance.backup import backup, signing_key
from attendance.backup_manifest import MANIFEST, Manifest
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.errors import Conflict, Invalid, Unavailable
from attendance.orm import FaceTemplate
from attendance.people import create_person
from attendance.pg_tools import find_program
from attendance.restore import restore
from attendance.settings import get_settings
from attendance.templates import QualityFigures, add_template, template_vector

QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=200, brightness=150, yaw=0.1)


def fill(url: str, people: int = 3) -> dict[int, np.ndarray]:
    """People, each with a sealed template (and audit entries): their vectors by template."""
    engine = make_engine(url)
    vectors: dict[int, np.ndarray] = {}
    rng = np.random.default_rng(7)
    with unit_of_work(make_session_factory(engine)) as session:
        for i in range(people):
            person = create_person(session, full_name=f"Nguyễn Thị Ánh {i}")
            vector = rng.standard_normal(128).astype(np.float32)
            template = add_template(
                session,
                person_id=person.id,
                model_key="fake:1",
                embedding=vector,
                quality=QUALITY,
                photo_sha256=f"p{i}",
            )
            vectors[template.id] = vector
    engine.dispose()
    return vectors


def opened(url: str) -> dict[int, np.ndarray]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        rows = session.scalars(select(FaceTemplate)).all()
        out = {row.id: template_vector(session, row) for row in rows}
    engine.dispose()
    return out


def test_a_restored_backup_holds_the_same_rows_templates_and_audit_chain(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    vectors = fill(database_url)
    manifest = backup(database_url, tmp_path / "b")

    report = restore(empty_database_url, tmp_path / "b")

    assert count_rows(empty_database_url) == count_rows(database_url)
    assert manifest.rows["face_templates"] == 3
    restored = opened(empty_database_url)
    assert sorted(restored) == sorted(vectors)
    for template_id, vector in vectors.items():
        assert np.allclose(restored[template_id], vector)
    engine = create_engine(empty_database_url)
    chain = verify_chain(engine)
    engine.dispose()
    assert chain.intact and chain.head.seq == manifest.audit_head["seq"] > 0
    assert report.revision == manifest.revision


def test_the_manifest_names_the_keys_needed_and_holds_them_only_when_asked(
    database_url: str, tmp_path: Path
) -> None:
    fill(database_url, people=1)
    key_file = get_settings().key_file
    plain = backup(database_url, tmp_path / "plain")
    assert not (tmp_path / "plain" / "keys").exists()
    assert plain.keys_included == []
    assert len(plain.template_keys) == 1 and list(plain.template_keys.values()) == [1]
    assert next(iter(plain.template_keys)) in key_file.read_text()

    keyed = backup(database_url, tmp_path / "keyed", key_files=(key_file,))
    copied = tmp_path / "keyed" / "keys" / key_file.name
    assert keyed.keys_included == [key_file.name]
    assert copied.read_bytes() == key_file.read_bytes()
    assert copied.stat().st_mode & 0o077 == 0
    assert json.loads((tmp_path / "keyed" / MANIFEST).read_text())["keys_included"]


def test_a_backup_does_not_overwrite_a_path_without_force(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "out" / "b"
    path.mkdir(parents=True)
    (path / "mine.txt").write_text("keep")
    with pytest.raises(Conflict):
        backup(database_url, path)
    assert (path / "mine.txt").read_text() == "keep"
    with pytest.raises(Conflict):  # not a backup: refused even with --force
        backup(database_url, path, force=True)
    assert (path / "mine.txt").read_text() == "keep"
    assert [p.name for p in path.parent.iterdir()] == ["b"]  # no draft left beside it


def test_restore_refuses_a_database_that_holds_data_unless_forced(
    database_url: str, tmp_path: Path
) -> None:
    fill(database_url, people=2)
    backup(database_url, tmp_path / "b")
    fill(database_url, people=1)  # the target now differs from the backup
    before = count_rows(database_url)

    with pytest.raises(Conflict):
        restore(database_url, tmp_path / "b")
    assert count_rows(database_url) == before

    restore(database_url, tmp_path / "b", force=True)
    assert count_rows(database_url)["people"] == 2


def test_a_changed_backup_is_refused_before_anything_is_replaced(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    fill(database_url, people=1)
    manifest = backup(database_url, tmp_path / "b")
    dump = tmp_path / "b" / manifest.database_file
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with pytest.raises(Invalid, match="SHA-256"):
        restore(empty_database_url, tmp_path / "b")
    assert count_rows(empty_database_url) == {}


def test_a_backup_from_an_unknown_revision_is_refused(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    backup(database_url, tmp_path / "b")
    manifest_path = tmp_path / "b" / MANIFEST
    data = json.loads(manifest_path.read_text())
    data["revision"] = "9999"
    changed = Manifest(**data)
    changed.sign(signing_key())  # as this installation would: the revision is what fails
    changed.write(tmp_path / "b")

    with pytest.raises(Invalid, match="9999"):
        restore(empty_database_url, tmp_path / "b")
    assert count_rows(empty_database_url) == {}


def test_a_restore_over_a_crashed_sqlite_database_drops_its_old_wal(
    database_url: str, tmp_path: Path
) -> None:
    """A server killed leaves its -wal beside the file: replayed onto the restored file it
    would bring the old pages back over the new ones."""
    path = sqlite_file(database_url)
    fill(database_url, people=1)
    backup(database_url, tmp_path / "b")
    crash = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "db.execute('PRAGMA journal_mode=WAL')\n"
        "db.execute('PRAGMA wal_autocheckpoint=0')\n"
        "db.execute(\"UPDATE people SET full_name = 'cũ / old'\")\n"
        "db.execute('DELETE FROM audit_log')\n"
        "db.commit()\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(path)], check=True)
    assert path.with_name(path.name + "-wal").stat().st_size > 0

    restore(database_url, tmp_path / "b", force=True)

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        names = db.execute("SELECT full_name FROM people").fetchall()
    assert names == [("Nguyễn Thị Ánh 0",)]
    engine = create_engine(database_url)
    assert verify_chain(engine).intact
    engine.dispose()


def test_a_missing_or_too_old_pg_dump_is_named_with_what_to_install() -> None:
    with pytest.raises(Unavailable, match="postgresql-client-99"):
        find_program("pg_dump", server_major=99)
