"""What a kiosk may know: today's meetings in its room, their rosters and face templates."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.consent_tables import MEETINGS, serves
from attendance.errors import Forbidden
from attendance.orm import AttendanceEvent, FaceTemplate, Meeting, Participant, Person
from attendance.presence import ARRIVED, PRESENT_KINDS


@dataclass(frozen=True)
class ScopeMeeting:
    meeting: Meeting
    person_ids: tuple[int, ...]


@dataclass(frozen=True)
class KioskScope:
    room: str
    model_key: str
    meetings: list[ScopeMeeting]
    people: list[Person]
    template_ids: list[tuple[int, int]]  # (template id, person id)
    etag: str


def day_bounds(now: datetime, zone: str) -> tuple[datetime, datetime]:
    """Local midnight to midnight around `now`, as aware datetimes."""
    local_day = now.astimezone(ZoneInfo(zone)).date()
    start = datetime.combine(local_day, time(0), tzinfo=ZoneInfo(zone))
    return start, start + timedelta(days=1)


def todays_meetings(session: Session, *, room: str, now: datetime, zone: str) -> list[Meeting]:
    start, end = day_bounds(now, zone)
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.room == room, Meeting.starts_at < end, Meeting.ends_at > start)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def invited_today(session: Session, *, room: str, now: datetime, zone: str) -> int:
    """How many people are on the lists of today's meetings in the room: a kiosk's roster."""
    meetings = [m.id for m in todays_meetings(session, room=room, now=now, zone=zone)]
    if not meetings:
        return 0
    return int(
        session.scalar(
            select(func.count(func.distinct(Participant.person_id))).where(
                Participant.meeting_id.in_(meetings)
            )
        )
        or 0
    )


def kiosk_scope(
    session: Session,
    *,
    room: str,
    model_key: str,
    now: datetime,
    zone: str,
    others_limit: int = 0,
) -> KioskScope:
    """Today's meetings in the room, their rosters, and the faces the kiosk may match.

    With `others_limit`, the enrolled people invited to none of them come too (all, or none
    when they are more than that), so the kiosk can say "not on this meeting's list".
    """
    meetings = todays_meetings(session, room=room, now=now, zone=zone)
    rosters: dict[int, list[int]] = {m.id: [] for m in meetings}
    if meetings:
        for meeting_id, person_id in session.execute(
            select(Participant.meeting_id, Participant.person_id)
            .where(Participant.meeting_id.in_(list(rosters)))
            .order_by(Participant.meeting_id, Participant.person_id)
        ):
            rosters[meeting_id].append(person_id)
    invited = {p for ids in rosters.values() for p in ids}
    everyone = sorted(invited | _others(session, model_key, invited, others_limit))
    people = (
        list(session.scalars(select(Person).where(Person.id.in_(everyone)).order_by(Person.id)))
        if everyone
        else []
    )
    templates = (
        [
            (int(t), int(p))
            for t, p in session.execute(
                select(FaceTemplate.id, FaceTemplate.person_id)
                .where(
                    FaceTemplate.person_id.in_(everyone),
                    FaceTemplate.model_key == model_key,
                    serves(MEETINGS),
                )
                .order_by(FaceTemplate.id)
            )
        ]
        if everyone
        else []
    )
    scope_meetings = [ScopeMeeting(m, tuple(rosters[m.id])) for m in meetings]
    return KioskScope(
        room=room,
        model_key=model_key,
        meetings=scope_meetings,
        people=people,
        template_ids=templates,
        etag=_etag(model_key, scope_meetings, people, templates),
    )


def room_arrivals(
    session: Session, *, room: str, now: datetime, zone: str
) -> dict[int, dict[int, datetime]]:
    """Today's meetings in the room -> {person: first arrival} of everyone present now,
    however they came in (by hand, a photo, another kiosk): a kiosk greets them "already
    checked in at 08:02" instead of checking them in again. Kept apart from the gallery, whose
    manifest would change with every arrival: this is small and cheap to ask every few
    seconds (docs/benchmarks.md, the kiosk's polls)."""
    meetings = [m.id for m in todays_meetings(session, room=room, now=now, zone=zone)]
    present = present_arrivals(session, meetings)
    return {m: present.get(m, {}) for m in meetings}


def present_arrivals(session: Session, meeting_ids: list[int]) -> dict[int, dict[int, datetime]]:
    """meeting -> {person: first arrival} for everyone whose last event keeps them present."""
    if not meeting_ids:
        return {}
    first: dict[tuple[int, int], datetime] = {}
    last: dict[tuple[int, int], str] = {}
    for meeting_id, person_id, kind, at in session.execute(
        select(
            AttendanceEvent.meeting_id,
            AttendanceEvent.person_id,
            AttendanceEvent.kind,
            AttendanceEvent.at,
        )
        .where(AttendanceEvent.meeting_id.in_(meeting_ids))
        .order_by(AttendanceEvent.at, AttendanceEvent.id)
    ):
        key = (int(meeting_id), int(person_id))
        if kind == ARRIVED:
            first.setdefault(key, at)
        last[key] = kind
    present: dict[int, dict[int, datetime]] = {}
    for key, at in first.items():
        if last[key] in PRESENT_KINDS:
            present.setdefault(key[0], {})[key[1]] = at
    return present


def _others(session: Session, model_key: str, invited: set[int], limit: int) -> set[int]:
    if limit <= 0:
        return set()
    enrolled = select(FaceTemplate.person_id).where(
        FaceTemplate.model_key == model_key, serves(MEETINGS)
    )
    others = set(session.scalars(enrolled.distinct().limit(limit + len(invited) + 1))) - invited
    return others if len(others) <= limit else set()


def _etag(
    model_key: str,
    meetings: list[ScopeMeeting],
    people: list[Person],
    templates: list[tuple[int, int]],
) -> str:
    """Changes whenever anything the kiosk holds would change; equal otherwise."""
    digest = hashlib.sha256(model_key.encode())
    for m in meetings:
        meeting = m.meeting
        digest.update(
            repr(
                (
                    meeting.id,
                    meeting.title,
                    meeting.starts_at.isoformat(),
                    meeting.ends_at.isoformat(),
                    meeting.late_after_minutes,
                    m.person_ids,
                )
            ).encode()
        )
    for p in people:
        digest.update(repr((p.id, p.full_name, p.title, p.unit)).encode())
    digest.update(repr(templates).encode())
    return digest.hexdigest()[:32]


def templates_for_kiosk(
    session: Session, *, scope: KioskScope, ids: list[int]
) -> list[FaceTemplate]:
    """The requested templates, each of which must be in the kiosk's scope."""
    allowed = {t for t, _ in scope.template_ids}
    outside = sorted(set(ids) - allowed)
    if outside:
        raise Forbidden(
            f"Kiosk không được đọc mẫu khuôn mặt {outside[:10]}. "
            f"This kiosk may not read face templates {outside[:10]}.",
        )
    if not ids:
        return []
    return list(
        session.scalars(
            select(FaceTemplate).where(FaceTemplate.id.in_(ids)).order_by(FaceTemplate.id)
        )
    )
