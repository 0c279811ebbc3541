"""Meetings and their rosters."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from attendance.errors import Forbidden, Invalid, NotFound
from attendance.orm import MAX_ID, Meeting, Participant, Person
from attendance.people import lock_people
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
    meeting = Meeting()
    _apply(meeting, title, starts_at, ends_at, room, late_after_minutes)
    session.add(meeting)
    session.flush()
    return meeting


def update_meeting(
    session: Session,
    *,
    meeting_id: int,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    room: str | None = None,
    late_after_minutes: int = 15,
) -> Meeting:
    """Change a meeting's details; the same rules as when it was created."""
    meeting = get_meeting(session, meeting_id=meeting_id)
    _apply(meeting, title, starts_at, ends_at, room, late_after_minutes)
    session.flush()
    return meeting


def _apply(
    meeting: Meeting,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    room: str | None,
    late_after_minutes: int,
) -> None:
    """Validate everything first, so a refused change leaves the meeting as it was."""
    title = clean_text(title, field="title")
    room = clean_text(room, field="room") or None if room else None
    if not title:
        raise Invalid("Tên cuộc họp không được để trống. The meeting title must not be empty.")
    if len(title) > 300 or (room is not None and len(room) > 200):
        raise Invalid(
            "Tên cuộc họp (tối đa 300 ký tự) hoặc phòng họp (200) quá dài. "
            "The title (300 characters at most) or the room (200) is too long."
        )
    if ends_at <= starts_at:
        raise Invalid(
            "Giờ kết thúc phải sau giờ bắt đầu. The meeting must end after it starts (ends_at)."
        )
    if not 0 <= late_after_minutes <= 24 * 60:
        raise Invalid(
            "Số phút tính muộn phải từ 0 đến 1440. late_after_minutes must be from 0 to 1440."
        )
    meeting.title = title
    meeting.room = room
    meeting.starts_at = starts_at
    meeting.ends_at = ends_at
    meeting.late_after_minutes = late_after_minutes


def get_meeting(session: Session, *, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id) if 0 < meeting_id <= MAX_ID else None
    if meeting is None:
        raise NotFound(f"Không có cuộc họp số {meeting_id}. No meeting with id {meeting_id}.")
    return meeting


def list_meetings(
    session: Session,
    *,
    limit: int = 200,
    only: Collection[int] | None = None,
    lessons: bool = True,
) -> list[Meeting]:
    """The latest meetings first; `only` these ids (a teacher's or viewer's), when given;
    without a class's lessons when `lessons` is False (a weekly timetable makes dozens)."""
    from attendance.schools.tables import ClassSession  # the schools build on meetings

    query = select(Meeting)
    if only is not None:
        query = query.where(Meeting.id.in_(list(only)))
    if not lessons:
        query = query.where(Meeting.id.not_in(select(ClassSession.meeting_id)))
    return list(session.scalars(query.order_by(Meeting.starts_at.desc()).limit(limit)))


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
        shown = ", ".join(str(p) for p in missing[:20])
        if len(missing) > 20:
            shown += f" (+{len(missing) - 20})"
        raise NotFound(
            f"Không có người với mã số {shown}. No people with ids {shown}.",
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


def lock_meeting(session: Session, *, meeting_id: int) -> None:
    """Hold the meeting's row until the transaction ends, before deciding anything about who
    may vote (roster edits, opening a poll): those decisions then take turns, and an arrival
    (whose insert needs the row's key) waits for them. PostgreSQL: FOR UPDATE. SQLite, which
    ignores it: a write, which takes the database's one write lock."""
    if not 0 < meeting_id <= MAX_ID:
        return
    session.execute(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())
    session.execute(
        update(Meeting)
        .where(Meeting.id == meeting_id)
        .values(title=Meeting.title)
        .execution_options(synchronize_session=False)
    )


def lock_meetings_then_people(
    session: Session, *, person_ids: list[int], meetings: Callable[[], Iterable[int]]
) -> list[int]:
    """Hold `meetings()` (asked before and again after) and these people's rows, meetings
    first: the order an arrival's insert takes them in (its foreign keys, meeting then
    person). People first would deadlock with a check-in on PostgreSQL: the arrival holding
    the meeting's key and waiting for the person, the deletion or merge the other way round.
    The meetings held, in id order."""
    held = sorted(set(meetings()))
    for meeting_id in held:
        lock_meeting(session, meeting_id=meeting_id)
    lock_people(session, person_ids=person_ids)
    # One made a voting member between the two reads is held now (out of order, but rare).
    added = sorted(set(meetings()) - set(held))
    for meeting_id in added:
        lock_meeting(session, meeting_id=meeting_id)
    return sorted(held + added)


# Built once (every check-in asks twice): building an ORM select cost more than running it.
_ON_ROSTER = select(Participant.person_id).where(
    Participant.meeting_id == bindparam("meeting_id"),
    Participant.person_id == bindparam("person_id"),
)
_ON_ROSTER_HELD = _ON_ROSTER.with_for_update(read=True)


def require_on_roster(
    session: Session, *, meeting_id: int, person: Person, hold: bool = False
) -> None:
    """The one on-roster check (check-in, check-out, voting links, ballots, opinions).

    With `hold`, the roster entry is held (FOR SHARE) until the transaction ends: asked again
    after a write, it sees a removal that raced the write, and a removal waits for it."""
    on_roster = session.scalar(
        _ON_ROSTER_HELD if hold else _ON_ROSTER, {"meeting_id": meeting_id, "person_id": person.id}
    )
    if on_roster is None:
        # By number, never by name: a kiosk token or a teacher may ask about any id, and must
        # not learn whose it is (a child of another class or school) from the refusal.
        raise Forbidden(
            f"Người số {person.id} không có trong danh sách cuộc họp này. "
            f"Person {person.id} is not on this meeting's list.",
            code="NOT_ON_ROSTER",
        )


def roster_name(session: Session, *, meeting_id: int, person: Person) -> str:
    """How a refusal about this meeting names a person: by name when they are on its roster
    (whoever may act on the meeting may read its roster), else by number only."""
    listed = session.get(Participant, (meeting_id, person.id))
    return person.full_name if listed is not None else f"Người số {person.id}"


def roster_sizes(session: Session, *, meeting_ids: list[int]) -> dict[int, int]:
    """How many people each meeting expects, in one query for a list of meetings."""
    if not meeting_ids:
        return {}
    rows = session.execute(
        select(Participant.meeting_id, func.count())
        .where(Participant.meeting_id.in_(meeting_ids))
        .group_by(Participant.meeting_id)
    ).all()
    return {int(m): int(n) for m, n in rows}
