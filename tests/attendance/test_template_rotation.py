"""`attendance keys rotate`: every row under the new key, old keys gone, a server writing on."""

from __future__ import annotations

import json
import stat
import threading
import time
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from attendance.audit import entries
from attendance.db import make_engine, make_session_factory
from attendance.orm import FaceTemplate
from attendance.people import create_person
from attendance.template_crypto import TemplateKeys
from attendance.template_rotation import keys_in_use, rotate_keys
from attendance.templates import QualityFigures, add_template, template_vector

MODEL = "test-model"
DIM = 16
QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=80, brightness=120, yaw=0)


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return vector / np.linalg.norm(vector)


def add(factory: sessionmaker[Session], seed: int) -> str:
    """One person with one template; the key id it was sealed under."""
    with factory() as session:
        person = create_person(session, full_name=f"Người {seed}")
        template = add_template(
            session,
            person_id=person.id,
            model_key=MODEL,
            embedding=unit(seed),
            quality=QUALITY,
            photo_sha256=f"photo-{seed}",
        )
        session.commit()
        return template.embedding[1:5].hex()


def every_template_opens(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        rows = list(session.scalars(select(FaceTemplate)))
        for row in rows:
            seed = int(row.photo_sha256.removeprefix("photo-"))
            assert np.allclose(template_vector(session, row), unit(seed), atol=1e-6)
        return len(rows)


def test_rotation_seals_every_row_under_a_new_key_and_drops_the_old(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "templates.key"
    keys = TemplateKeys(path=path)
    factory = make_session_factory(engine, template_keys=keys)
    old = {add(factory, seed) for seed in range(7)}
    report = rotate_keys(factory, keys, actor="cli:test", batch=3, grace=0)
    assert report.new_key not in old and report.resealed == 7
    assert report.dropped == sorted(old) and not report.kept
    held = json.loads(path.read_text())
    assert held["current"] == report.new_key and list(held["keys"]) == [report.new_key]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with factory() as session:
        assert keys_in_use(session) == {report.new_key: 7}
        [entry] = [e for e in entries(session) if e.action == "keys_rotated"]
    detail = json.dumps(entry.detail)
    assert report.new_key in detail and held["keys"][report.new_key] not in detail
    assert every_template_opens(factory) == 7
    # A process that still held only the old key reads the file again when it meets the new.
    assert every_template_opens(make_session_factory(engine, template_keys=TemplateKeys(path=path)))


def test_a_server_writing_while_the_key_rotates_leaves_no_row_under_the_old_key(
    database_url: str, tmp_path: Path
) -> None:
    """Two processes: a server enrolling all along (its own engine and keyring on the same
    database and key file, re-reading the key file at most once a second) and the rotation."""
    path = tmp_path / "templates.key"
    rotating_engine, server_engine = make_engine(database_url), make_engine(database_url)
    rotating, server_keys = TemplateKeys(path=path), TemplateKeys(path=path)
    server = make_session_factory(server_engine, template_keys=server_keys)
    first = {add(server, seed) for seed in range(20)}
    stop = threading.Event()
    late: list[str] = []  # rows the server sealed under a key no longer current in the file

    def server_enrolls() -> None:
        seed = 1000
        while not stop.is_set():
            key_id = add(server, seed)
            if json.loads(path.read_text())["current"] != key_id:
                late.append(key_id)
            seed += 1
            stop.wait(0.02)

    writer = threading.Thread(target=server_enrolls)
    writer.start()
    try:
        factory = make_session_factory(rotating_engine, template_keys=rotating)
        stop.wait(0.1)
        server_keys.reload()  # the server looked just now: it looks again only in a second
        began = time.monotonic()
        report = rotate_keys(factory, rotating, actor="cli:test", batch=5, grace=1.5)
        stop.wait(max(0.0, began + 2.0 - time.monotonic()))  # the server goes on writing
    finally:
        stop.set()
        writer.join()
    assert late and set(late) == first  # the race happened: the old key, after the new one
    with factory() as session:
        in_use = keys_in_use(session)
    assert set(in_use) == {report.new_key}  # none under the old key, the late rows included
    assert list(json.loads(path.read_text())["keys"]) == [report.new_key]
    assert every_template_opens(factory) == sum(in_use.values()) > 20
    rotating_engine.dispose()
    server_engine.dispose()


def test_a_damaged_row_keeps_its_old_key_in_the_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "templates.key"
    keys = TemplateKeys(path=path)
    factory = make_session_factory(engine, template_keys=keys)
    old = add(factory, 1)
    add(factory, 2)
    with engine.begin() as db:  # moved to another person by hand: it no longer opens
        db.exec_driver_sql("UPDATE face_templates SET person_id = 2 WHERE id = 1")
    report = rotate_keys(factory, keys, actor="cli:test", grace=0)
    assert report.damaged == [1] and report.kept == {old: 1} and not report.dropped
    assert old in json.loads(path.read_text())["keys"]


def test_with_the_key_in_the_environment_rotation_seals_under_the_first_given(
    engine: Engine,
) -> None:
    old, new = "o" * 40, "n" * 40
    factory = make_session_factory(engine, template_keys=TemplateKeys(given=[old]))
    add(factory, 1)
    keys = TemplateKeys(given=[new, old])
    factory = make_session_factory(engine, template_keys=keys)
    report = rotate_keys(factory, keys, actor="cli:test", grace=0)
    assert report.resealed == 1 and len(report.dropped) == 1  # the old one may leave ATTEND_KEY
    alone = make_session_factory(engine, template_keys=TemplateKeys(given=[new]))
    assert every_template_opens(alone) == 1
