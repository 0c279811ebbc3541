"""What a kiosk may know: today's meetings in its room (or, at a school's gate, the sessions of
every class of the school), their rosters and the face templates consented for them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from attendance.consent_tables import MEETINGS, SCHOOL_ATTENDANCE, serves
from attendance.errors import Forbidden
from attendance.orm import AttendanceEvent, FaceTemplate, Meeting, Participant, Person
from attendance.presence import ARRIVED, PRESENT_KINDS
from attendance.schools.gate import gate_meetings, school_day
from attendance.schools.tables import ClassSession


@dataclass(frozen=True)
class ScopeMeeting:
    meeting: Meeting
    person_ids: tuple[int, ...]


@dataclass(frozen=True)
class KioskScope:
    room: str  # a gate's: its school
    model_key: str
    meetings: list[ScopeMeeting]
    people: list[Person]
    template_ids: list[tuple[int, int]]  # (template id, person id)
    etag: str
    gate: str | None = None  # the school whose gate the kiosk serves


def scope_meetings(
    session: Session, *, room: str | None, gate: str | None, now: datetime, zone: str
) -> list[Meeting]:
    """A room kiosk's: today's meetings in the room; a gate's: today's sessions of every class
    of the school (the school's local day)."""
    if gate is not None:
        return gate_meetings(session, school=gate, day=school_day(now, zone))
    assert room is not None
    return todays_meetings(session, room=room, now=now, zone=zone)


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
    gate: str | None = None,
) -> KioskScope:
    """Today's meetings in the room (or at the school's `gate`), their rosters, and the faces
    the kiosk may match: a lesson's students by the templates consented for school attendance,
    a meeting's invitees by those consented for meetings.

    With `others_limit`, the enrolled people invited to none of them come too (all, or none
    when they are more than that), so the kiosk can say "not on this meeting's list"; never
    at a gate, which holds the school's students of the day and no one else.
    """
    meetings = scope_meetings(session, room=room, gate=gate, now=now, zone=zone)
    rosters: dict[int, list[int]] = {m.id: [] for m in meetings}
    if meetings:
        for meeting_id, person_id in session.execute(
            select(Participant.meeting_id, Participant.person_id)
            .where(Participant.meeting_id.in_(list(rosters)))
            .order_by(Participant.meeting_id, Participant.person_id)
        ):
            rosters[meeting_id].append(person_id)
    lessons = _lessons(session, list(rosters))
    pupils = {p for m, ids in rosters.items() if m in lessons for p in ids}
    invited = {p for m, ids in rosters.items() if m not in lessons for p in ids}
    others = set() if gate is not None else _others(session, model_key, invited, others_limit)
    others -= pupils
    everyone = sorted(pupils | invited | others)
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
                    FaceTemplate.model_key == model_key,
                    or_(
                        _consented(pupils, SCHOOL_ATTENDANCE),
                        _consented(invited | others, MEETINGS),
                    ),
                )
                .order_by(FaceTemplate.id)
            )
        ]
        if everyone
        else []
    )
    held = [ScopeMeeting(m, tuple(rosters[m.id])) for m in meetings]
    return KioskScope(
        room=gate if gate is not None else room,
        model_key=model_key,
        meetings=held,
        people=people,
        template_ids=templates,
        etag=_etag(model_key, held, people, templates),
        gate=gate,
    )


def _lessons(session: Session, meeting_ids: list[int]) -> set[int]:
    """Which of the meetings are lessons (a class's sessions)."""
    if not meeting_ids:
        return set()
    return set(
        session.scalars(
            select(ClassSession.meeting_id).where(ClassSession.meeting_id.in_(meeting_ids))
        )
    )


def _consented(person_ids: set[int], purpose: str) -> ColumnElement[bool]:
    """The templates of these people kept for `purpose`."""
    if not person_ids:
        return false()
    return and_(FaceTemplate.person_id.in_(sorted(person_ids)), serves(purpose))


def room_arrivals(
    session: Session, *, room: str | None, now: datetime, zone: str, gate: str | None = None
) -> dict[int, dict[int, datetime]]:
    """Today's meetings in the room (or at the school's gate) -> {person: first arrival} of
    everyone present now, however they came in (by hand, a photo, another kiosk): a kiosk
    greets them "already checked in at 08:02" instead of checking them in again. Kept apart
    from the gallery, whose manifest would change with every arrival: this is small and cheap
    to ask every few seconds (docs/benchmarks.md, the kiosk's polls)."""
    meetings = [m.id for m in scope_meetings(session, room=room, gate=gate, now=now, zone=zone)]
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
        FaceTemplate.model_key.in_(_people_key(session, model_key)), serves(MEETINGS)
    )
    others = set(session.scalars(enrolled.distinct().limit(limit + len(invited) + 1))) - invited
    return others if len(others) <= limit else set()


def _people_key(session: Session, model_key: str) -> list[str]:
    """The model whose enrolled people a gallery's "others" are chosen from: a second model's
    gallery (its templates are companions of another model's) takes its primary's people, so
    both galleries hold the same people under the same limit, whether or not each face has
    its second template yet."""
    primary, companion = aliased(FaceTemplate), aliased(FaceTemplate)
    found = session.scalar(
        select(primary.model_key)
        .join(companion, companion.companion_of == primary.id)
        .where(companion.model_key == model_key)
        .limit(1)
    )
    return [found] if found is not None else [model_key]


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
