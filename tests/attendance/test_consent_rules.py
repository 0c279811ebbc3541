"""Consent where it is easy to lose: a merge keeps it with the templates, a purpose limits what
is searched (the withdrawal racing an enrollment: tests/api/test_consent_race.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session
from test_consent import _consent, _template

from attendance.consent import consent_statuses
from attendance.consent_tables import Consent
from attendance.orm import FaceTemplate
from attendance.people import create_person
from attendance.people_merge import merge_people
from attendance.templates import load_gallery


def test_a_merge_takes_the_consent_along_with_the_templates(session: Session) -> None:
    consented = create_person(session, full_name="Nguyễn Văn An")
    duplicate = create_person(session, full_name="Nguyễn Văn An")
    consent_id = _consent(session, consented.id, ["meetings"])
    template_id = _template(session, consented.id, "an", consent_id=consent_id)
    merge_people(session, person_id=consented.id, into_id=duplicate.id, actor="Chị Thu")
    session.expire_all()
    moved = session.get(FaceTemplate, template_id)
    assert moved is not None and moved.person_id == duplicate.id
    assert moved.consent_id == consent_id
    consent = session.get(Consent, consent_id)
    assert consent is not None and consent.person_id == duplicate.id
    assert consent_statuses(session, person_ids=[duplicate.id]) == {duplicate.id: "given"}


def test_a_school_only_consent_keeps_its_templates_out_of_meeting_searches(
    session: Session,
) -> None:
    pupil = create_person(session, full_name="Lê Thị Mai")
    delegate = create_person(session, full_name="Trần Văn Bình")
    _template(
        session, pupil.id, "mai", consent_id=_consent(session, pupil.id, ["school_attendance"])
    )
    _template(session, delegate.id, "binh", consent_id=_consent(session, delegate.id, ["meetings"]))
    gallery = load_gallery(session, model_key="m", dim=4)
    assert set(gallery.row_person.tolist()) == {delegate.id}
