"""The review queue: which faces wait for a person, and what confirming or rejecting does."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict
from attendance.matching import Decision, FaceDecision
from attendance.meetings import create_meeting, set_participants
from attendance.people import create_person
from attendance.presence import presence_event
from attendance.review.service import (
    confirm_review,
    needs_review,
    pending_reviews,
    record_review,
    reject_review,
)


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


def test_confirming_checks_in_logs_who_and_deletes_the_crop(
    session: Session, queued: tuple[int, int, int]
) -> None:
    meeting_id, person_id, item_id = queued
    item = confirm_review(session, item_id=item_id, actor="admin (Thu)")
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
