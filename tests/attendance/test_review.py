"""The review queue: which faces wait for a person, and what confirming or rejecting does."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from attendance import audit
from attendance.checkin import check_in
from attendance.errors import Conflict, Invalid
from attendance.matching import Decision, FaceDecision
from attendance.meetings import create_meeting, set_participants
from attendance.people import create_person, erase_templates
from attendance.presence import presence_event
from attendance.review.retention import purge_stale_reviews
from attendance.review.service import (
    confirm_review,
    needs_review,
    pending_reviews,
    record_review,
    reject_review,
)
from attendance.review.tables import ReviewItem


def _decision(kind: Decision, similarity: float, candidate: int = 1) -> FaceDecision:
    return FaceDecision(kind, None, candidate, similarity, 0.01, runner_up_id=None)


def test_only_grey_zone_faces_of_roster_members_need_review() -> None:
    roster = {1}
    assert needs_review(_decision(Decision.AMBIGUOUS, 0.6), threshold=0.5, roster=roster)
    assert needs_review(_decision(Decision.UNKNOWN, 0.45), threshold=0.5, roster=roster)
    assert not needs_review(_decision(Decision.UNKNOWN, 0.40), threshold=0.5, roster=roster)
    assert not needs_review(_decision(Decision.MATCH, 0.9), threshold=0.5, roster=roster)
    assert not needs_review(_decision(Decision.AMBIGUOUS, 0.6, 2), threshold=0.5, roster=roster)


@pytest.fixture
def queued(session: Session) -> tuple[int, int, int]:
    """A meeting, its one member, and a pending review item for them with a face crop."""
    person = create_person(session, full_name="Nguyễn Văn An")
    meeting = create_meeting(
        session,
        title="Họp",
        starts_at=datetime(2026, 3, 2, 1, tzinfo=timezone.utc),
        ends_at=datetime(2030, 3, 2, 3, tzinfo=timezone.utc),
    )
    set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
    decision = _decision(Decision.UNKNOWN, 0.44, person.id)
    item = record_review(
        session, meeting_id=meeting.id, decision=decision, source="cửa A", key="k", crop_jpeg=b"j"
    )
    assert item is not None
    return meeting.id, person.id, item.id


def test_the_same_face_is_queued_once(session: Session, queued: tuple[int, int, int]) -> None:
    meeting_id, person_id, item_id = queued
    again = record_review(
        session,
        meeting_id=meeting_id,
        decision=_decision(Decision.UNKNOWN, 0.44, person_id),
        source="cửa A",
        key="k",
        crop_jpeg=b"j",
    )
    assert again is not None and again.id == item_id
    assert len(pending_reviews(session, meeting_id=meeting_id)) == 1


def test_an_over_long_key_is_refused_not_cut_into_another_faces(
    session: Session, queued: tuple[int, int, int]
) -> None:
    meeting_id, person_id, item_id = queued
    decision = _decision(Decision.UNKNOWN, 0.44, person_id)
    for face in ("face0", "face1"):  # the same long prefix, two faces: two questions, not one
        with pytest.raises(Invalid) as caught:
            record_review(
                session,
                meeting_id=meeting_id,
                decision=decision,
                source="cửa A",
                key="k" * 200 + face,
                crop_jpeg=b"j",
            )
        assert "200" in caught.value.message
    assert [i.id for i in pending_reviews(session, meeting_id=meeting_id)] == [item_id]


def test_confirming_checks_in_logs_who_and_deletes_the_crop(
    session: Session, queued: tuple[int, int, int]
) -> None:
    meeting_id, person_id, item_id = queued
    item = confirm_review(session, item_id=item_id, actor="admin (Thu)").item
    assert item.status == "confirmed" and item.crop_jpeg is None
    event = presence_event(session, meeting_id=meeting_id, person_id=person_id)
    assert event is not None and event.actor == "admin (Thu)" and "0.44" in (event.note or "")
    actions = [e.action for e in audit.entries(session, meeting_id=meeting_id)]
    assert actions == ["review_confirmed", "check_in"]
    assert pending_reviews(session, meeting_id=meeting_id) == []
    with pytest.raises(Conflict):
        reject_review(session, item_id=item_id, actor="admin")


def test_rejecting_checks_nobody_in(session: Session, queued: tuple[int, int, int]) -> None:
    meeting_id, person_id, item_id = queued
    item = reject_review(session, item_id=item_id, actor="admin (Thu)", note="Không phải")
    assert item.status == "rejected" and item.crop_jpeg is None
    assert presence_event(session, meeting_id=meeting_id, person_id=person_id) is None
    [entry] = audit.entries(session, meeting_id=meeting_id)
    assert (entry.action, entry.actor) == ("review_rejected", "admin (Thu)")


def test_nobody_already_present_is_queued(session: Session, queued: tuple[int, int, int]) -> None:
    meeting_id, person_id, item_id = queued
    confirm_review(session, item_id=item_id, actor="admin")
    later = record_review(
        session,
        meeting_id=meeting_id,
        decision=_decision(Decision.UNKNOWN, 0.45, person_id),
        source="cửa A",
        key="k2",
        crop_jpeg=None,
    )
    assert later is None


def test_the_same_photo_for_a_second_meeting_is_queued_for_that_meeting(
    session: Session, queued: tuple[int, int, int]
) -> None:
    _meeting_id, person_id, item_id = queued
    second = create_meeting(
        session,
        title="Họp chiều",
        starts_at=datetime(2026, 3, 2, 6, tzinfo=timezone.utc),
        ends_at=datetime(2030, 3, 2, 9, tzinfo=timezone.utc),
    )
    set_participants(session, meeting_id=second.id, person_ids=[person_id])
    item = record_review(
        session,
        meeting_id=second.id,
        decision=_decision(Decision.UNKNOWN, 0.44, person_id),
        source="cửa A",
        key="k",
        crop_jpeg=b"j",
    )
    assert item is not None and item.id != item_id and item.meeting_id == second.id
    assert [i.id for i in pending_reviews(session, meeting_id=second.id)] == [item.id]


def test_an_arrival_by_another_path_resolves_the_pending_item_and_deletes_its_crop(
    session: Session, queued: tuple[int, int, int]
) -> None:
    meeting_id, person_id, item_id = queued
    check_in(
        session, meeting_id=meeting_id, person_id=person_id, source="kiosk", idempotency_key="x"
    )
    item = session.get(ReviewItem, item_id)
    assert item is not None and (item.status, item.crop_jpeg) == ("arrived", None)
    assert pending_reviews(session, meeting_id=meeting_id) == []
    with pytest.raises(Conflict):
        confirm_review(session, item_id=item_id, actor="admin")


def test_erasing_face_data_deletes_the_crops_naming_the_person_even_as_runner_up(
    session: Session, queued: tuple[int, int, int]
) -> None:
    meeting_id, person_id, item_id = queued
    look_alike = create_person(session, full_name="Nguyễn Văn Ân")
    item = record_review(
        session,
        meeting_id=meeting_id,
        decision=FaceDecision(
            Decision.AMBIGUOUS, None, person_id, 0.6, 0.01, runner_up_id=look_alike.id
        ),
        source="cửa A",
        key="k2",
        crop_jpeg=b"j",
    )
    assert item is not None
    erase_templates(session, person_id=look_alike.id)
    assert (item.status, item.crop_jpeg) == ("erased", None)
    first = session.get(ReviewItem, item_id)
    assert first is not None and first.crop_jpeg == b"j"  # names someone else only
    erase_templates(session, person_id=person_id)
    assert (first.status, first.crop_jpeg) == ("erased", None)


def test_pending_items_of_a_meeting_over_for_a_day_expire_and_lose_their_crop(
    session: Session, queued: tuple[int, int, int]
) -> None:
    _meeting_id, _person_id, item_id = queued
    ended = datetime(2030, 3, 2, 3, tzinfo=timezone.utc)
    assert purge_stale_reviews(session, now=ended + timedelta(hours=23)) == 0
    assert purge_stale_reviews(session, now=ended + timedelta(hours=25)) == 1
    item = session.get(ReviewItem, item_id)
    assert item is not None and (item.status, item.crop_jpeg) == ("expired", None)


def test_reading_the_queue_expires_what_has_outlived_its_meeting(session: Session) -> None:
    person = create_person(session, full_name="Nguyễn Văn An")
    meeting = create_meeting(
        session,
        title="Họp tuần trước",
        starts_at=datetime(2026, 3, 2, 1, tzinfo=timezone.utc),
        ends_at=datetime(2026, 3, 2, 3, tzinfo=timezone.utc),
    )
    set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
    item = record_review(
        session,
        meeting_id=meeting.id,
        decision=_decision(Decision.UNKNOWN, 0.44, person.id),
        source="cửa A",
        key="old",
        crop_jpeg=b"j",
    )
    assert item is not None
    assert pending_reviews(session, meeting_id=meeting.id) == []
    assert item.crop_jpeg is None
