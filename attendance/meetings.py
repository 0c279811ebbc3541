"""Meetings and their rosters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from attendance.errors import Invalid, NotFound
from attendance.orm import MAX_ID, Meeting, Participant, Person
from attendance.text import clean_text


def create_meeting(
    session: Session,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    room: str | None = None,
    late_after_minutes: int = 15,
) -> Meeting:
    title = clean_text(title, field="title")
    room = clean_text(room, field="room") or None if room else None
    if not title:
        raise Invalid("Tên cuộc họp không được để trống. The meeting title must not be empty.")
    if ends_at <= starts_at:
        raise Invalid(
            "Giờ kết thúc phải sau giờ bắt đầu. The meeting must end after it starts (ends_at)."
        )
    if late_after_minutes < 0:
        raise Invalid("Số phút tính muộn không được âm. late_after_minutes must not be negative.")
    meeting = Meeting(
        title=title,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        late_after_minutes=late_after_minutes,
    )
    session.add(meeting)
    session.flush()
    return meeting


def get_meeting(session: Session, *, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id) if 0 < meeting_id <= MAX_ID else None
    if meeting is None:
        raise NotFound(f"Không có cuộc họp số {meeting_id}. No meeting with id {meeting_id}.")
    return meeting


def list_meetings(session: Session, *, limit: int = 200) -> list[Meeting]:
    return list(session.scalars(select(Meeting).order_by(Meeting.starts_at.desc()).limit(limit)))


def set_participants(
    session: Session,
    *,
    meeting_id: int,
    person_ids: list[int],
    non_voting_ids: list[int] | None = None,
) -> list[int]:
    """Replace the roster; every id must be a known person (nothing changes otherwise).

    Everyone on it votes except `non_voting_ids` (observers, guests, staff).
    """
    get_meeting(session, meeting_id=meeting_id)
    non_voting = set(non_voting_ids or [])
    wanted = sorted(set(person_ids) | non_voting)
    storable = [p for p in wanted if 0 < p <= MAX_ID]
    found = (
        set(session.scalars(select(Person.id).where(Person.id.in_(storable))))
        if storable
        else set()
    )
    missing = [p for p in wanted if p not in found]
    if missing:
        raise NotFound(
            f"Không có người với mã số {missing}. No people with ids {missing}.",
            code="UNKNOWN_PERSON",
        )
    session.execute(delete(Participant).where(Participant.meeting_id == meeting_id))
    session.add_all(
        Participant(meeting_id=meeting_id, person_id=p, voting_rights=p not in non_voting)
        for p in wanted
    )
    session.flush()
    return wanted


def roster_ids(session: Session, *, meeting_id: int) -> set[int]:
    return set(
        session.scalars(select(Participant.person_id).where(Participant.meeting_id == meeting_id))
    )
