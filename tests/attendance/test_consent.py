"""Consent records: people enrolled before consents existed are flagged, not deleted; a consent
recorded for them covers their old templates; withdrawal erases only what it covered."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from attendance.consent import (
    consent_statuses,
    record_consent,
    require_consent,
    withdraw_consent,
)
from attendance.db import make_engine, make_session_factory
from attendance.errors import Invalid
from attendance.migrate import upgrade
from attendance.orm import FaceTemplate
from attendance.people import create_person
from attendance.templates import QualityFigures, add_template

FIGURES = QualityFigures(det_score=0.9, face_px=120, sharpness=100, brightness=120, yaw=0.1)


def _template(session: Session, person_id: int, sha: str, consent_id: int | None = None) -> int:
    vector = np.ones(4, np.float32) / 2
    template = add_template(
        session,
        person_id=person_id,
        model_key="m",
        embedding=vector,
        quality=FIGURES,
        photo_sha256=sha,
        consent_id=consent_id,
    )
    return template.id


def _consent(session: Session, person_id: int, purposes: list[str]) -> int:
    consent = record_consent(
        session,
        person_id=person_id,
        given_by="Nguyễn Văn An",
        relation="self",
        purposes=purposes,
        method="paper_form",
        reference="PĐY-1",
        actor="Chị Thu",
    )
    return consent.id


def test_old_templates_come_under_the_first_meetings_consent(session: Session) -> None:
    person = create_person(session, full_name="Nguyễn Văn An")
    old = _template(session, person.id, "old")
    assert consent_statuses(session, person_ids=[person.id]) == {person.id: "missing"}
    with pytest.raises(Invalid) as refused:
        require_consent(session, person_id=person.id)
    assert refused.value.code == "CONSENT_REQUIRED"
    school = _consent(session, person.id, ["school_attendance"])
    assert session.get(FaceTemplate, old).consent_id is None  # type: ignore[union-attr]
    meetings = _consent(session, person.id, ["meetings"])
    session.expire_all()
    assert session.get(FaceTemplate, old).consent_id == meetings  # type: ignore[union-attr]
    schools = _template(session, person.id, "school", consent_id=school)
    gone = withdraw_consent(session, person_id=person.id, consent_id=meetings, actor="Chị Thu")
    assert gone.templates_erased == 1
    assert session.get(FaceTemplate, old) is None
    assert session.get(FaceTemplate, schools) is not None  # another consent's template stays
    assert consent_statuses(session, person_ids=[person.id]) == {person.id: "given"}


def test_the_migration_keeps_people_without_consent_and_their_templates(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    upgrade(url, "0010")
    engine = make_engine(url)
    with engine.begin() as db:
        person = db.scalar(
            text(
                "INSERT INTO people (full_name, search_name, created_at)"
                " VALUES ('Người cũ', 'nguoi cu', '2026-01-01') RETURNING id"
            )
        )
        templates = [
            db.scalar(
                text(
                    "INSERT INTO face_templates (person_id, model_key, dim, embedding, det_score,"
                    " face_px, sharpness, brightness, yaw, photo_sha256, created_at) VALUES"
                    " (:person, 'm', 1, :blob, 0.9, 100, 100, 100, 0, :photo, '2026-01-01')"
                    " RETURNING id"
                ),
                {"person": person, "blob": bytes(4), "photo": str(n)},
            )
            for n in (1, 2)
        ]
        # the newest, erased
        db.execute(text("DELETE FROM face_templates WHERE id = :t"), {"t": templates[1]})
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        assert consent_statuses(session, person_ids=[person]) == {person: "missing"}  # flagged
        [kept] = session.query(FaceTemplate).all()
        assert (kept.id, kept.consent_id) == (templates[0], None)
        new = _template(session, person, "new")
        session.commit()
    engine.dispose()
    assert new == templates[1] + 1  # the erased template's id is not given again (kiosks hold ids)
