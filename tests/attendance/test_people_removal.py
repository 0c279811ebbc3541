"""Deleting a person: a duplicate in one step, someone with a meeting record only on purpose."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest
from ballot_support import open_poll_with_voters
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from attendance.audit import entries
from attendance.checkin import check_in
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.errors import Conflict, NotFound
from attendance.meetings import create_meeting, roster_ids, set_participants
from attendance.orm import AttendanceEvent, FaceTemplate, Person, utcnow
from attendance.people import create_person
from attendance.people_removal import delete_person
from attendance.review.tables import ERASED, ReviewItem
from attendance.templates import QualityFigures, add_template, gallery_version
from attendance.voting.ballots import cast_ballot
from attendance.voting.master_key import MasterKey
from attendance.voting.polls import close_poll
from attendance.voting.tables import BallotRecord, SecretBallot, SecretCount

MODEL = "test-model"
QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=80, brightness=120, yaw=0)


def _meeting(session: Session) -> int:
    start = utcnow() - timedelta(hours=1)
    return create_meeting(
        session, title="Kỳ họp", starts_at=start, ends_at=start + timedelta(hours=4)
    ).id


def test_a_duplicate_with_no_history_is_deleted_in_one_step(session: Session) -> None:
    real = create_person(session, full_name="Nguyễn Văn An")
    dup = create_person(session, full_name="Nguyễn Văn An", unit="Sở GD&ĐT", code="DB-1")
    meeting = _meeting(session)
    set_participants(session, meeting_id=meeting, person_ids=[real.id, dup.id])
    deleted = delete_person(session, person_id=dup.id, actor="Chị Thu")
    assert (deleted.person_id, deleted.full_name, deleted.records.meetings) == (
        dup.id,
        "Nguyễn Văn An",
        1,
    )
    assert session.get(Person, dup.id) is None
    assert roster_ids(session, meeting_id=meeting) == {real.id}
    [audit] = [e for e in entries(session) if e.action == "person_deleted"]
    assert (audit.actor, audit.subject) == ("Chị Thu", f"person:{dup.id}")
    detail = json.loads(audit.detail)
    assert (detail["full_name"], detail["code"], detail["force"]) == (
        "Nguyễn Văn An",
        "DB-1",
        False,
    )


def test_someone_with_an_arrival_is_kept_unless_forced(session: Session) -> None:
    person = create_person(session, full_name="Trần Thị Bình")
    meeting = _meeting(session)
    set_participants(session, meeting_id=meeting, person_ids=[person.id])
    check_in(session, meeting_id=meeting, person_id=person.id, source="k", idempotency_key="k1")
    with pytest.raises(Conflict) as refused:
        delete_person(session, person_id=person.id, actor="thư ký")
    assert refused.value.code == "PERSON_HAS_RECORDS"
    assert "1 lần điểm danh/ra về" in refused.value.message
    assert "1 attendance event" in refused.value.message and "merge" in refused.value.message
    assert session.get(Person, person.id) is not None
    delete_person(session, person_id=person.id, actor="thư ký", force=True)
    assert session.scalar(select(func.count()).select_from(AttendanceEvent)) == 0
    assert session.get(Person, person.id) is None


def test_deleting_erases_face_data_and_its_review_crops(session: Session) -> None:
    person = create_person(session, full_name="Lê Hoàng Cường")
    other = create_person(session, full_name="Phạm Thị Dung")
    meeting = _meeting(session)
    vector = np.ones(8, dtype=np.float32) / np.sqrt(8)
    add_template(
        session,
        person_id=person.id,
        model_key=MODEL,
        embedding=vector,
        quality=QUALITY,
        photo_sha256="p",
    )
    version = gallery_version(session, model_key=MODEL)
    item = ReviewItem(
        meeting_id=meeting,
        candidate_id=other.id,
        runner_up_id=person.id,
        similarity=0.4,
        decision="ambiguous",
        source="k",
        key="m:1",
        crop_jpeg=b"face",
    )
    session.add(item)
    session.flush()
    delete_person(session, person_id=person.id, actor="thư ký")
    assert session.scalar(select(func.count()).select_from(FaceTemplate)) == 0
    assert gallery_version(session, model_key=MODEL) > version
    session.refresh(item)
    assert (item.status, item.crop_jpeg, item.runner_up_id) == (ERASED, None, None)


def test_a_voter_is_not_deleted_while_the_poll_counts_their_ballot(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    factory: sessionmaker[Session] = make_session_factory(engine)
    room = open_poll_with_voters(factory, voters=2)
    key = MasterKey(secret="a master key for the tests' secret polls only")
    with unit_of_work(factory) as session:
        [voter, other] = room.voter_ids
        cast_ballot(
            session,
            meeting_id=room.meeting_id,
            poll_id=room.poll_id,
            voter_id=voter,
            option_ids=room.option_ids[:1],
            channel="link",
            master_key=key,
        )
    # Forced or not: the sealed ballot names nobody and would stay, one ballot more than
    # voters when the poll is counted.
    for force in (False, True):
        with unit_of_work(factory) as session, pytest.raises(Conflict) as refused:
            delete_person(session, person_id=voter, actor="thư ký", force=force)
        assert refused.value.code == "PERSON_IN_OPEN_POLL"
        assert "Nghị quyết" in refused.value.message
    # Nor a member who has not voted yet: the poll's base counts them (it flipped a result).
    with unit_of_work(factory) as session, pytest.raises(Conflict) as refused:
        delete_person(session, person_id=other, actor="thư ký", force=True)
    assert refused.value.code == "PERSON_IN_OPEN_POLL"
    assert "hãy xóa sau đó" in refused.value.message
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(SecretBallot)) == 1
        assert session.scalar(select(func.count()).select_from(BallotRecord)) == 1
        close_poll(
            session, meeting_id=room.meeting_id, poll_id=room.poll_id, actor="admin", master_key=key
        )
    with unit_of_work(factory) as session:  # counted: now they may go, the result stays
        delete_person(session, person_id=voter, actor="thư ký", force=True)
    with unit_of_work(factory) as session:
        counts = session.scalars(select(SecretCount.votes)).all()
        assert sum(counts) == 1
    engine.dispose()


def test_an_unknown_person_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        delete_person(session, person_id=12345, actor="thư ký")
