"""Before a meeting starts nobody is absent: those not here yet are "Chưa đến / not arrived"."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from attendance.board import board_snapshot, board_version, count_statuses
from attendance.checkin import Status, check_in, meeting_attendance
from attendance.exports.service import export_meeting
from attendance.meetings import create_meeting, set_participants
from attendance.orm import Meeting, utcnow
from attendance.people import create_person

ZONE = "Asia/Ho_Chi_Minh"


def _meeting(session: Session, *, starts_in: timedelta) -> Meeting:
    """Three members; one of them checks in (check-in opens an hour before the start)."""
    start = utcnow() + starts_in
    meeting = create_meeting(
        session, title="Giao ban", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    people = [create_person(session, full_name=n) for n in ("Lê An", "Vũ Bình", "Hà Chi")]
    set_participants(session, meeting_id=meeting.id, person_ids=[p.id for p in people])
    check_in(
        session,
        meeting_id=meeting.id,
        person_id=people[0].id,
        source="kiosk",
        idempotency_key="early",
        at=utcnow() - timedelta(minutes=1),
    )
    return meeting


def test_before_the_start_those_not_here_are_not_arrived_and_from_it_absent(
    session: Session,
) -> None:
    meeting = _meeting(session, starts_in=timedelta(minutes=30))
    before = meeting_attendance(session, meeting_id=meeting.id)
    assert sorted(r.status.value for r in before) == ["not_arrived", "not_arrived", "present"]
    counts = count_statuses(before)
    assert (counts.absent, counts.not_arrived, counts.present) == (0, 2, 1)
    at_start = meeting_attendance(session, meeting_id=meeting.id, now=meeting.starts_at)
    assert sorted(r.status.value for r in at_start) == ["absent", "absent", "present"]
    counts = count_statuses(at_start)
    assert (counts.absent, counts.not_arrived) == (2, 0)


def test_the_board_says_not_arrived_before_the_start_and_changes_when_it_passes(
    session: Session,
) -> None:
    soon = _meeting(session, starts_in=timedelta(minutes=30))
    snapshot = board_snapshot(session, meeting_id=soon.id)
    assert (snapshot.started, snapshot.absent, snapshot.not_arrived) == (False, 0, 2)
    version = board_version(session, meeting_id=soon.id)
    soon.starts_at = utcnow() - timedelta(minutes=1)  # the start passes
    session.flush()
    assert board_version(session, meeting_id=soon.id) != version  # the screen redraws
    snapshot = board_snapshot(session, meeting_id=soon.id)
    assert (snapshot.started, snapshot.absent, snapshot.not_arrived) == (True, 2, 0)


@pytest.mark.parametrize(("starts_in", "label"), [(30, "Chưa đến"), (-10, "Vắng mặt")])
def test_exports_say_not_arrived_before_the_start(
    session: Session, starts_in: int, label: str
) -> None:
    meeting = _meeting(session, starts_in=timedelta(minutes=starts_in))
    exported = export_meeting(session, meeting_id=meeting.id, format="csv", zone=ZONE)
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert sorted(r[5] for r in rows[1:]) == sorted([label, label, "Có mặt"])


def test_status_values_are_the_documented_ones() -> None:
    assert [s.value for s in Status] == ["present", "late", "absent", "not_arrived"]
