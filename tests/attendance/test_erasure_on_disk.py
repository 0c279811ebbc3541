"""Erased face data leaves the files too: the database, its WAL and shared-memory index."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.matching import Decision, FaceDecision
from attendance.meetings import create_meeting, set_participants
from attendance.orm import Base, FaceTemplate, utcnow
from attendance.people import create_person, erase_templates
from attendance.people_removal import delete_person
from attendance.review.service import record_review, reject_review
from attendance.templates import QualityFigures, add_template, erase_template

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file, its WAL and shared memory


def database(path: Path) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    return engine, make_session_factory(engine)


def raw_files(folder: Path) -> bytes:
    """Every byte a copy of the data directory would hold."""
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def test_erased_templates_leave_no_embedding_in_any_file(tmp_path: Path) -> None:
    engine, factory = database(tmp_path / "attendance.db")
    embeddings = [secrets.token_bytes(512) for _ in range(3)]  # 128 float32s each
    with unit_of_work(factory) as session:
        person = create_person(session, full_name="Nguyễn Văn An")
        for embedding in embeddings:
            session.add(
                FaceTemplate(
                    person_id=person.id,
                    model_key="fake:1",
                    dim=128,
                    embedding=embedding,
                    det_score=0.9,
                    face_px=120.0,
                    sharpness=100.0,
                    brightness=120.0,
                    yaw=0.1,
                    photo_sha256=secrets.token_hex(32),
                )
            )
        person_id = person.id
    assert all(e in raw_files(tmp_path) for e in embeddings)  # the test can see them at all
    with unit_of_work(factory) as session:
        assert erase_templates(session, person_id=person_id) == 3
    left = raw_files(tmp_path)
    assert not any(e in left for e in embeddings)
    assert (tmp_path / "attendance.db-wal").stat().st_size == 0
    engine.dispose()


def test_a_deleted_person_leaves_no_embedding_in_any_file(tmp_path: Path) -> None:
    engine, factory = database(tmp_path / "attendance.db")
    embedding = secrets.token_bytes(512)
    with unit_of_work(factory) as session:
        person = create_person(session, full_name="Nguyễn Văn An")
        session.add(
            FaceTemplate(
                person_id=person.id,
                model_key="fake:1",
                dim=128,
                embedding=embedding,
                det_score=0.9,
                face_px=120.0,
                sharpness=100.0,
                brightness=120.0,
                yaw=0.1,
                photo_sha256=secrets.token_hex(32),
            )
        )
        person_id = person.id
    assert embedding in raw_files(tmp_path)
    with unit_of_work(factory) as session:
        delete_person(session, person_id=person_id, actor="thư ký")
    assert embedding not in raw_files(tmp_path)
    assert (tmp_path / "attendance.db-wal").stat().st_size == 0
    engine.dispose()


def test_one_erased_photo_leaves_neither_its_embedding_nor_its_crop_in_any_file(
    tmp_path: Path,
) -> None:
    engine, factory = database(tmp_path / "attendance.db")
    figures = QualityFigures(det_score=0.9, face_px=120, sharpness=100, brightness=120, yaw=0.1)
    crops = [b"\xff\xd8\xff" + secrets.token_bytes(9000) for _ in range(2)]
    with unit_of_work(factory) as session:
        person = create_person(session, full_name="Nguyễn Văn An")
        kept, erased = (
            add_template(
                session,
                person_id=person.id,
                model_key="fake:1",
                embedding=np.frombuffer(secrets.token_bytes(512), np.float32),
                quality=figures,
                photo_sha256=secrets.token_hex(32),
                crop_jpeg=crop,
            )
            for crop in crops
        )
        ids = (person.id, erased.id)
        embeddings = (kept.embedding, erased.embedding)
    pieces = [[c[i : i + 64] for i in range(0, len(c) - 64, 1500)] for c in crops]
    files = raw_files(tmp_path)
    assert all(p in files for group in pieces for p in group)  # the test can see them at all
    with unit_of_work(factory) as session:
        erase_template(session, person_id=ids[0], template_id=ids[1])
    left = raw_files(tmp_path)
    assert not any(p in left for p in pieces[1]) and embeddings[1] not in left
    assert all(p in left for p in pieces[0]) and embeddings[0] in left  # the other one stays
    engine.dispose()


def test_a_resolved_review_leaves_no_face_crop_in_any_file(tmp_path: Path) -> None:
    engine, factory = database(tmp_path / "attendance.db")
    crop = b"\xff\xd8\xff" + secrets.token_bytes(9000)  # stands for a small JPEG, overflow pages
    with unit_of_work(factory) as session:
        person = create_person(session, full_name="Trần Thị Bình")
        now = utcnow()
        meeting = create_meeting(
            session, title="Giao ban", starts_at=now, ends_at=now + timedelta(hours=2)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
        decision = FaceDecision(Decision.UNKNOWN, None, person.id, 0.45, 0.2, runner_up_id=None)
        item = record_review(
            session,
            meeting_id=meeting.id,
            decision=decision,
            source="kiosk",
            key="k1",
            crop_jpeg=crop,
        )
        assert item is not None
        item_id = item.id
    pieces = [crop[i : i + 64] for i in range(0, len(crop) - 64, 1500)]
    assert all(p in raw_files(tmp_path) for p in pieces)  # the test can see it at all
    with unit_of_work(factory) as session:
        reject_review(session, item_id=item_id, actor="Thư ký")
    left = raw_files(tmp_path)
    assert not any(p in left for p in pieces)
    engine.dispose()


def test_the_database_and_its_logs_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    engine, factory = database(tmp_path / "data" / "attendance.db")
    with unit_of_work(factory) as session:
        create_person(session, full_name="Lê Văn Cường")
    files = sorted((tmp_path / "data").iterdir())
    assert {p.name for p in files} >= {"attendance.db", "attendance.db-wal"}
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in files} == {
        p.name: "0o600" for p in files
    }
    assert (tmp_path / "data").stat().st_mode & 0o077 == 0
    engine.dispose()
