"""The check-in window: one rule, in the service, whoever reports the arrival."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from attendance.checkin import check_in
from attendance.checkin_window import CheckinRules, checkin_window, kiosk_may_deliver
from attendance.errors import Invalid
from attendance.matching import Decision, FaceDecision
from attendance.meetings import create_meeting, set_participants
from attendance.orm import AttendanceEvent, Meeting
from attendance.people import create_person
from attendance.review.service import confirm_review, record_review

START = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hà Nội
RULES = CheckinRules()


def meeting_of(session: Session) -> tuple[Meeting, int]:
    person = create_person(session, full_name="Nguyễn Văn An")
    meeting = create_meeting(
        session, title="Họp", starts_at=START, ends_at=START + timedelta(hours=2)
    )
    set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
    return meeting, person.id


def test_the_window_opens_an_hour_early_and_closes_at_the_end(session: Session) -> None:
    meeting, _ = meeting_of(session)
    window = checkin_window(meeting, RULES)
    assert window.opens_at == START - timedelta(hours=1)
    assert window.closes_at == START + timedelta(hours=2)
    assert window.contains(START - timedelta(minutes=59))
    assert not window.contains(START + timedelta(hours=2))
    # A kiosk may post from the opening (its clock a little ahead) until a day after the end
    # (its outbox delivering after an outage); each arrival's own time stays in the window.
    assert kiosk_may_deliver(window, now=window.opens_at - timedelta(seconds=60), rules=RULES)
    assert not kiosk_may_deliver(window, now=window.opens_at - timedelta(minutes=5), rules=RULES)
    assert kiosk_may_deliver(window, now=window.closes_at + timedelta(hours=23), rules=RULES)
    assert not kiosk_may_deliver(window, now=window.closes_at + timedelta(hours=24), rules=RULES)


@pytest.mark.parametrize(
    ("at", "now", "code"),
    [
        (START + timedelta(hours=3), START + timedelta(hours=3), "OUTSIDE_CHECKIN_WINDOW"),
        (START - timedelta(hours=2), START, "OUTSIDE_CHECKIN_WINDOW"),
        (START + timedelta(minutes=30), START, "CHECKIN_IN_FUTURE"),
    ],
    ids=["after-the-end", "before-the-window", "in-the-future"],
)
def test_check_in_outside_the_window_is_refused(
    session: Session, at: datetime, now: datetime, code: str
) -> None:
    meeting, person_id = meeting_of(session)
    with pytest.raises(Invalid) as refused:
        check_in(
            session,
            meeting_id=meeting.id,
            person_id=person_id,
            source="k",
            idempotency_key="k",
            at=at,
            now=now,
        )
    assert refused.value.code == code


def test_without_a_time_the_servers_now_must_be_in_the_window(session: Session) -> None:
    meeting, person_id = meeting_of(session)  # ended long ago by the real clock
    with pytest.raises(Invalid, match="outside this meeting's check-in window"):
        check_in(
            session, meeting_id=meeting.id, person_id=person_id, source="k", idempotency_key="k"
        )


def test_a_confirmed_review_arrives_when_the_face_was_seen(session: Session) -> None:
    meeting, person_id = meeting_of(session)
    decision = FaceDecision(Decision.UNKNOWN, None, person_id, 0.44, 0.01, runner_up_id=None)
    item = record_review(
        session, meeting_id=meeting.id, decision=decision, source="A", key="r", crop_jpeg=b"j"
    )
    assert item is not None
    item.created_at = START + timedelta(minutes=3)  # seen during the meeting
    session.flush()
    confirm_review(session, item_id=item.id, actor="admin")  # long after it ended
    event = session.get(AttendanceEvent, item.event_id)
    assert event is not None and event.at == START + timedelta(minutes=3)
