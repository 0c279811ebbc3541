"""A second model's template (`companion_of` its primary) lives and goes with its primary:
erased with it even on a connection that does not enforce foreign keys, sealed again by a key
rotation, and back with its link after a backup and restore (either backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from db_backends import on_postgresql
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from attendance.backup import backup
from attendance.consent import record_consent, withdraw_consent
from attendance.consent_tables import MEETINGS
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.orm import FaceTemplate
from attendance.people import create_person, erase_templates, template_counts
from attendance.restore import restore
from attendance.template_crypto import TemplateKeys
from attendance.template_rotation import rotate_keys
from attendance.templates import (
    QualityFigures,
    add_template,
    erase_template,
    gallery_version,
    person_templates,
    template_vector,
)

PRIMARY = "sface:test"
SECOND = "dlib:test"
QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=80, brightness=120, yaw=0)


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    return vector / np.linalg.norm(vector)


def enroll_pair(
    session: Session, person_id: int, seed: int, consent_id: int | None = None
) -> tuple[int, int]:
    """One face as enrollment stores it with a second model: SFace's, then dlib's of it."""
    primary = add_template(
        session,
        person_id=person_id,
        model_key=PRIMARY,
        embedding=unit(seed),
        quality=QUALITY,
        photo_sha256=f"photo-{seed}",
        crop_jpeg=b"crop",
        consent_id=consent_id,
    )
    companion = add_template(
        session,
        person_id=person_id,
        model_key=SECOND,
        embedding=unit(1000 + seed),
        quality=QUALITY,
        photo_sha256=f"photo-{seed}",
        consent_id=consent_id,
        companion_of=primary.id,
    )
    return primary.id, companion.id


def without_foreign_keys(session: Session) -> None:
    """SQLite enforces foreign keys only where the connection asks: this one does not (on
    PostgreSQL they always hold, and the test checks the same outcome there)."""
    if not on_postgresql():
        session.execute(text("PRAGMA foreign_keys=OFF"))
        assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 0


def ids(session: Session) -> list[int]:
    return list(session.scalars(select(FaceTemplate.id).order_by(FaceTemplate.id)))


def test_erasing_a_face_takes_its_companion_without_the_cascade(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        without_foreign_keys(session)
        person = create_person(session, full_name="Nguyễn Văn An")
        first = enroll_pair(session, person.id, 1)
        second = enroll_pair(session, person.id, 2)
        assert template_counts(session, person_ids=[person.id]) == {person.id: 2}
        assert [t.id for t in person_templates(session, person_id=person.id)] == [
            first[0],
            second[0],
        ]
        version = gallery_version(session, model_key=SECOND)
        erase_template(session, person_id=person.id, template_id=first[0])
        assert ids(session) == list(second)
        assert gallery_version(session, model_key=SECOND) == version + 1
        assert erase_templates(session, person_id=person.id) == 1  # faces, not rows
        assert ids(session) == []
        session.rollback()


def test_a_withdrawn_consents_faces_take_their_companions(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        without_foreign_keys(session)
        person = create_person(session, full_name="Trần Thị Bình")
        consent = record_consent(
            session,
            person_id=person.id,
            given_by="Trần Thị Bình",
            relation="self",
            purposes=[MEETINGS],
            method="paper_form",
            actor="test",
        )
        gone = enroll_pair(session, person.id, 3, consent_id=consent.id)
        # A companion that names no consent still goes with the primary that named it.
        session.get_one(FaceTemplate, gone[1]).consent_id = None
        kept = enroll_pair(session, person.id, 4)  # before consents were recorded
        session.flush()
        withdrawal = withdraw_consent(
            session, person_id=person.id, consent_id=consent.id, actor="test"
        )
        assert withdrawal.templates_erased == 1  # faces, not rows
        assert ids(session) == list(kept)
        session.rollback()


def test_a_key_rotation_seals_companions_again_and_they_still_open(
    engine: Engine, tmp_path: Path
) -> None:
    keys = TemplateKeys(path=tmp_path / "templates.key")
    factory: sessionmaker[Session] = make_session_factory(engine, template_keys=keys)
    with factory() as session:
        person = create_person(session, full_name="Lê Văn Cường")
        primary, companion = enroll_pair(session, person.id, 5)
        session.commit()
    report = rotate_keys(factory, keys, actor="cli:test", grace=0)
    assert report.resealed == 2
    with factory() as session:
        row = session.get_one(FaceTemplate, companion)
        assert row.companion_of == primary
        assert row.embedding[1:5].hex() == report.new_key
        assert np.allclose(template_vector(session, row), unit(1005), atol=1e-6)


def test_a_restored_backup_keeps_each_companion_linked_to_its_primary(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        person = create_person(session, full_name="Phạm Thị Dung")
        pairs = [enroll_pair(session, person.id, seed) for seed in (6, 7)]
    engine.dispose()
    backup(database_url, tmp_path / "b")
    restore(empty_database_url, tmp_path / "b")
    restored = make_engine(empty_database_url)
    with make_session_factory(restored)() as session:
        links = dict(
            session.execute(
                select(FaceTemplate.id, FaceTemplate.companion_of).where(
                    FaceTemplate.companion_of.is_not(None)
                )
            ).all()
        )
        assert links == {companion: primary for primary, companion in pairs}
        row = session.get_one(FaceTemplate, pairs[1][1])
        assert np.allclose(template_vector(session, row), unit(1007), atol=1e-6)
        erase_template(session, person_id=person.id, template_id=pairs[0][0])
        assert ids(session) == list(pairs[1])
        session.rollback()
    restored.dispose()
