"""Merging a duplicate into the real person: every table that names a person follows."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.audit import entries
from attendance.checkin import check_in
from attendance.errors import Conflict, Invalid, NotFound
from attendance.meetings import create_meeting, set_participants
from attendance.orm import AttendanceEvent, FaceTemplate, Participant, Person, utcnow
from attendance.people import create_person, get_person
from attendance.people_merge import merge_people
from attendance.people_merge_plan import plan_merge
from attendance.presence import check_out
from attendance.review.tables import ReviewItem
from attendance.templates import QualityFigures, add_template, gallery_version
from attendance.voting.ballots import cast_ballot
from attendance.voting.opinions import give_opinion
from attendance.voting.passes import issue_pass
from attendance.voting.polls import PollSpec, close_poll, create_poll, open_poll
from attendance.voting.proxies import give_proxy
from attendance.voting.tables import BallotRecord, Opinion, Proxy, VotingPass

MODEL = "test-model"
QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=80, brightness=120, yaw=0)
NAMED = PollSpec(title="Thông qua chương trình", secrecy="named", base="cast")


def _meeting(session: Session, title: str = "Kỳ họp", hours_ago: float = 1) -> int:
    start = utcnow() - timedelta(hours=hours_ago)
    meeting = create_meeting(
        session, title=title, starts_at=start, ends_at=start + timedelta(hours=4)
    )
    return meeting.id


def _arrive(session: Session, meeting_id: int, person: Person, minutes_ago: float) -> int:
    at = utcnow() - timedelta(minutes=minutes_ago)
    key = f"in-{meeting_id}-{person.id}-{minutes_ago}"
    return check_in(
        session, meeting_id=meeting_id, person_id=person.id, source="k", idempotency_key=key, at=at
    ).event.id


def _template(session: Session, person: Person, photo: str) -> None:
    vector = np.random.default_rng(len(photo)).standard_normal(8).astype(np.float32)
    add_template(
        session,
        person_id=person.id,
        model_key=MODEL,
        embedding=vector / np.linalg.norm(vector),
        quality=QUALITY,
        photo_sha256=photo,
    )


def _poll(session: Session, meeting_id: int, title: str) -> tuple[int, int]:
    spec = PollSpec(title=title, secrecy="named", base="cast")
    poll = create_poll(session, meeting_id=meeting_id, spec=spec, actor="thư ký")
    open_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="thư ký")
    return poll.id, poll.options[0].id


def _ids(session: Session, column: object, *conditions: object) -> list[int]:
    return list(session.scalars(select(column).where(*conditions)))  # type: ignore[call-overload]


def test_every_record_of_the_duplicate_follows_it_into_the_real_person(session: Session) -> None:
    real = create_person(session, full_name="Nguyễn Văn An")  # enrolled from photos
    dup = create_person(
        session, full_name="Nguyễn Văn An", code="DB-1", title="Giám đốc Sở", unit="Sở GD&ĐT"
    )
    absent = create_person(session, full_name="Trần Thị Bình")
    _template(session, real, "photo-a")
    _template(session, dup, "photo-a")  # the same photo enrolled for both: kept once
    _template(session, dup, "photo-b")
    version = gallery_version(session, model_key=MODEL)
    meeting = _meeting(session)
    later = _meeting(session, "Họp tuần sau", hours_ago=-160)
    everyone = [real.id, dup.id, absent.id]
    set_participants(session, meeting_id=meeting, person_ids=everyone, non_voting_ids=[real.id])
    set_participants(session, meeting_id=later, person_ids=[dup.id])
    dup_arrival = _arrive(session, meeting, dup, minutes_ago=50)  # the earlier: kept
    real_arrival = _arrive(session, meeting, real, minutes_ago=30)  # repeats it: dropped
    first_poll, yes = _poll(session, meeting, "Chương trình")
    cast_ballot(
        session,
        meeting_id=meeting,
        poll_id=first_poll,
        voter_id=dup.id,
        option_ids=[yes],
        channel="link",
    )
    give_proxy(session, meeting_id=meeting, grantor_id=absent.id, holder_id=dup.id, actor="thư ký")
    cast_ballot(
        session,
        meeting_id=meeting,
        poll_id=first_poll,
        voter_id=dup.id,
        option_ids=[yes],
        channel="link",
        on_behalf_of=absent.id,
    )
    give_opinion(session, meeting_id=meeting, person_id=dup.id, text="Đồng ý", poll_id=first_poll)
    issue_pass(session, meeting_id=meeting, person_id=dup.id, actor="thư ký")
    session.add(
        ReviewItem(
            meeting_id=meeting,
            candidate_id=dup.id,
            runner_up_id=real.id,
            similarity=0.4,
            decision="ambiguous",
            source="k",
            key="m:1",
        )
    )
    session.flush()
    plan = plan_merge(session, person_id=dup.id, into_id=real.id)
    assert (plan.duplicate_templates, plan.shared_rosters, plan.code) == (1, 1, "DB-1")
    assert [s.meeting_id for s in plan.shared_meetings] == [meeting]

    kept = merge_people(session, person_id=dup.id, into_id=real.id, actor="Chị Thu")

    assert kept.id == real.id and session.get(Person, dup.id) is None
    assert (kept.code, kept.title, kept.unit) == ("DB-1", "Giám đốc Sở", "Sở GD&ĐT")
    photos = _ids(session, FaceTemplate.photo_sha256, FaceTemplate.person_id == real.id)
    assert sorted(photos) == ["photo-a", "photo-b"]
    assert gallery_version(session, model_key=MODEL) > version
    rosters = session.execute(
        select(Participant.meeting_id, Participant.voting_rights).where(
            Participant.person_id == real.id
        )
    ).all()
    assert sorted(rosters) == [(meeting, True), (later, True)]  # a vote if either had one
    events = session.scalars(
        select(AttendanceEvent).where(AttendanceEvent.person_id == real.id)
    ).all()
    assert [(e.id, e.kind) for e in events] == [(dup_arrival, "arrived")]
    assert session.get(AttendanceEvent, real_arrival) is None
    ballots = session.scalars(select(BallotRecord)).all()
    assert {(b.person_id, b.cast_by_id) for b in ballots} == {
        (real.id, real.id),
        (absent.id, real.id),
    }
    assert _ids(session, Proxy.holder_id) == [real.id]
    assert _ids(session, Opinion.person_id) == [real.id]
    assert _ids(session, VotingPass.person_id) == [real.id]
    review = session.scalars(select(ReviewItem)).one()
    assert (review.candidate_id, review.runner_up_id) == (real.id, None)
    [audit] = [e for e in entries(session) if e.action == "person_merged"]
    detail = json.loads(audit.detail)
    assert (audit.actor, audit.subject) == ("Chị Thu", f"person:{real.id}")
    assert (detail["from_id"], detail["from_name"], detail["into_id"]) == (
        dup.id,
        "Nguyễn Văn An",
        real.id,
    )
    assert detail["events_dropped"] == 1


def test_a_vote_resting_on_a_dropped_arrival_rests_on_the_kept_one(session: Session) -> None:
    real = create_person(session, full_name="Lê Hoàng Cường")
    dup = create_person(session, full_name="Lê Hoàng Cường", unit="Phòng Nội vụ")
    meeting = _meeting(session)
    set_participants(session, meeting_id=meeting, person_ids=[real.id, dup.id])
    dup_arrival = _arrive(session, meeting, dup, minutes_ago=50)
    _arrive(session, meeting, real, minutes_ago=30)
    poll, yes = _poll(session, meeting, "Nghị quyết")
    cast_ballot(
        session,
        meeting_id=meeting,
        poll_id=poll,
        voter_id=real.id,
        option_ids=[yes],
        channel="link",
    )
    with pytest.raises(Conflict) as refused:  # while it counts, two voters are not one
        merge_people(session, person_id=dup.id, into_id=real.id, actor="thư ký")
    assert refused.value.code == "POLL_OPEN" and "Nghị quyết" in refused.value.message
    assert plan_merge(session, person_id=dup.id, into_id=real.id).open_polls == [
        (poll, "Nghị quyết")
    ]  # the merge page says so before anyone presses the button
    close_poll(session, meeting_id=meeting, poll_id=poll, actor="thư ký")
    merge_people(session, person_id=dup.id, into_id=real.id, actor="thư ký")
    record = session.scalars(select(BallotRecord)).one()
    assert (record.person_id, record.eligibility_event_id) == (real.id, dup_arrival)


def test_a_later_arrival_after_leaving_becomes_a_return(session: Session) -> None:
    real = create_person(session, full_name="Phạm Thị Dung")
    dup = create_person(session, full_name="Phạm Thị Dung", code="DB-4")
    meeting = _meeting(session)
    set_participants(session, meeting_id=meeting, person_ids=[real.id, dup.id])
    _arrive(session, meeting, real, minutes_ago=50)
    check_out(
        session,
        meeting_id=meeting,
        person_id=real.id,
        reason="Việc riêng",
        actor="thư ký",
        idempotency_key="out",
        at=utcnow() - timedelta(minutes=40),
    )
    _arrive(session, meeting, dup, minutes_ago=20)
    merge_people(session, person_id=real.id, into_id=dup.id, actor="thư ký")
    kinds = session.scalars(
        select(AttendanceEvent.kind).order_by(AttendanceEvent.at, AttendanceEvent.id)
    ).all()
    assert kinds == ["arrived", "left", "returned"]
    assert get_person(session, person_id=dup.id).code == "DB-4"


def test_both_having_voted_in_one_poll_refuses_the_merge(session: Session) -> None:
    first = create_person(session, full_name="Võ Văn Em")
    second = create_person(session, full_name="Võ Văn Em")
    meeting = _meeting(session)
    set_participants(session, meeting_id=meeting, person_ids=[first.id, second.id])
    _arrive(session, meeting, first, minutes_ago=50)
    _arrive(session, meeting, second, minutes_ago=40)
    poll, yes = _poll(session, meeting, "Nghị quyết số 5")
    for person in (first, second):
        cast_ballot(
            session,
            meeting_id=meeting,
            poll_id=poll,
            voter_id=person.id,
            option_ids=[yes],
            channel="link",
        )
    close_poll(session, meeting_id=meeting, poll_id=poll, actor="thư ký")
    with pytest.raises(Conflict) as refused:
        merge_people(session, person_id=second.id, into_id=first.id, actor="thư ký")
    assert refused.value.code == "MERGE_BOTH_VOTED"
    assert "Nghị quyết số 5" in refused.value.message and "Both people voted" in (
        refused.value.message
    )
    assert session.get(Person, second.id) is not None


def test_both_having_given_a_proxy_in_one_meeting_refuses_the_merge(session: Session) -> None:
    first = create_person(session, full_name="Hoàng Thị Hà")
    second = create_person(session, full_name="Hoàng Thị Hà")
    holder = create_person(session, full_name="Đặng Văn Giang")
    meeting = _meeting(session)
    set_participants(session, meeting_id=meeting, person_ids=[first.id, second.id, holder.id])
    _arrive(session, meeting, holder, minutes_ago=50)
    for person in (first, second):
        give_proxy(
            session, meeting_id=meeting, grantor_id=person.id, holder_id=holder.id, actor="thư ký"
        )
    with pytest.raises(Conflict) as refused:
        merge_people(session, person_id=second.id, into_id=first.id, actor="thư ký")
    assert refused.value.code == "MERGE_BOTH_PROXIED" and "revoke" in refused.value.message


def test_a_proxy_between_the_two_is_dropped(session: Session) -> None:
    first = create_person(session, full_name="Bùi Văn Khoa")
    second = create_person(session, full_name="Bùi Văn Khoa")
    meeting = _meeting(session)
    set_participants(session, meeting_id=meeting, person_ids=[first.id, second.id])
    _arrive(session, meeting, second, minutes_ago=50)
    give_proxy(session, meeting_id=meeting, grantor_id=first.id, holder_id=second.id, actor="tk")
    merge_people(session, person_id=second.id, into_id=first.id, actor="thư ký")
    assert session.scalars(select(Proxy)).all() == []


def test_merging_into_oneself_or_an_unknown_person_is_refused(session: Session) -> None:
    person = create_person(session, full_name="Ngô Thị Lan")
    with pytest.raises(Invalid) as itself:
        merge_people(session, person_id=person.id, into_id=person.id, actor="thư ký")
    assert itself.value.code == "MERGE_SELF"
    with pytest.raises(NotFound) as unknown:
        merge_people(session, person_id=person.id, into_id=999, actor="thư ký")
    assert unknown.value.code == "UNKNOWN_PERSON"
    with pytest.raises(NotFound):
        merge_people(session, person_id=999, into_id=person.id, actor="thư ký")
    with pytest.raises(NotFound):
        merge_people(session, person_id=person.id, into_id=2**40, actor="thư ký")
