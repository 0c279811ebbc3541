"""Check-in (idempotent) and the attendance status of each roster member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attendance import audit
from attendance.checkin_window import CheckinRules, ensure_checkin_time
from attendance.errors import Conflict, Invalid
from attendance.meetings import get_meeting, require_on_roster
from attendance.names import name_sort_key
from attendance.orm import AttendanceEvent, Meeting, Participant, Person, utcnow
from attendance.outbound import ARRIVED as ARRIVED_EVENT
from attendance.outbound import LATE as LATE_EVENT
from attendance.outbound_data import publish_person_event
from attendance.people import get_person
from attendance.presence import ARRIVED, LEFT, RETURNED, last_event, latest_events
from attendance.review.retention import resolve_on_arrival
from attendance.schools.cutoff import clear_absence
from attendance.text import clean_text


class Status(str, Enum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"  # the meeting has started and they have not arrived
    NOT_ARRIVED = "not_arrived"  # not here yet, and the meeting has not started: not absent


@dataclass(frozen=True)
class CheckInResult:
    event: AttendanceEvent
    created: bool


def check_in(
    session: Session,
    *,
    meeting_id: int,
    person_id: int,
    source: str,
    idempotency_key: str,
    at: datetime | None = None,
    similarity: float | None = None,
    margin: float | None = None,
    note: str | None = None,
    actor: str | None = None,
    rules: CheckinRules = CheckinRules(),
    now: datetime | None = None,
    zone: str = "UTC",
    by: str | None = None,
) -> CheckInResult:
    """Record an arrival once: a repeated key or a second sighting returns the first event.

    Someone who was checked out and is seen again is recorded as having returned. A manual
    check-in (`actor` given) needs a `note` with the reason. Every arrival or return recorded
    (not a repeat) goes to the audit log with its source, by `actor`, else `by` (the kiosk
    token's or staff member's name), else the source. The
    arrival (`at`, or the server's `now`) must lie in the meeting's check-in window and not
    beyond the clock skew in the future (attendance.checkin_window), whoever reports it.
    """
    key = clean_text(idempotency_key, field="idempotency_key")
    source = clean_text(source, field="source")
    note = clean_text(note, field="note") or None if note else None
    if not key:
        raise Invalid("Thiếu idempotency_key. idempotency_key must not be empty.")
    if actor is not None and not note:
        raise Invalid(
            "Cần ghi lý do khi điểm danh thủ công. A reason is required for a manual check-in.",
            code="REASON_REQUIRED",
        )
    # The key's event and this person's arrival in one read (a retry is answered by the
    # first; the arrival is only used once the roster and the window have been checked).
    known = session.scalars(
        _KEY_OR_ARRIVAL, {"key": key, "meeting_id": meeting_id, "person_id": person_id}
    ).all()
    existing = next((e for e in known if e.idempotency_key == key), None)
    if existing is not None:
        return CheckInResult(_same_check_in(existing, meeting_id, person_id), created=False)
    meeting = get_meeting(session, meeting_id=meeting_id)
    person = get_person(session, person_id=person_id)
    require_on_roster(session, meeting_id=meeting_id, person=person)
    now = now or utcnow()
    when = at or now
    if when.tzinfo is None:
        raise Invalid("Thời điểm 'at' phải có múi giờ. 'at' must include a time zone offset.")
    ensure_checkin_time(meeting, at=when, now=now, rules=rules, zone=zone)
    arrived = min(
        (e for e in known if _arrival_of(e, meeting_id, person_id)),
        key=lambda e: e.at,
        default=None,
    )
    kind = ARRIVED
    if arrived is not None:
        # One person's last event, not the meeting's: a door camera repeats this all day.
        last = last_event(session, meeting_id=meeting_id, person_id=person_id)
        if last is None or last.kind != LEFT or last.at > when:
            return CheckInResult(arrived, created=False)
        kind = RETURNED
    event = AttendanceEvent(
        meeting_id=meeting_id,
        person_id=person_id,
        # Held by the event: the answer names the person without reading them again (the
        # session's identity map keeps objects weakly, `person` goes out of scope first).
        person=person,
        kind=kind,
        at=when.astimezone(timezone.utc),
        source=source,
        similarity=similarity,
        margin=margin,
        idempotency_key=key,
        note=note,
        actor=actor,
    )
    try:
        with session.begin_nested():
            session.add(event)
    except IntegrityError:
        # Another kiosk or worker wrote the same arrival, or used the same key, between our
        # check and insert: the key's own check-in is the answer, else this person's arrival.
        by_key = _by_key(session, key)
        if by_key is not None:
            return CheckInResult(_same_check_in(by_key, meeting_id, person_id), created=False)
        winner = _first_arrival(session, meeting_id=meeting_id, person_id=person_id)
        if winner is None:
            raise  # not a duplicate: the person or meeting went meanwhile (a 409 at the edge)
        return CheckInResult(winner, created=False)
    # Asked again now that the arrival is written (and the write lock held): a removal from
    # the roster that raced this check-in is seen, and this one rolls back. The row it holds
    # is also the absent cut-off's turn (attendance/schools/cutoff.py): before clear_absence.
    require_on_roster(session, meeting_id=meeting_id, person=person, hold=True)
    # Whatever path brought them in, a face still waiting to be called theirs is moot now.
    resolve_on_arrival(session, meeting_id=meeting_id, person_id=person_id)
    if kind == ARRIVED:
        clear_absence(session, meeting_id=meeting_id, person_id=person_id)  # late, not absent
    if kind == ARRIVED:  # a return after a check-out tells no one (docs/webhooks.md)
        late = event.at > late_after(meeting.starts_at, meeting.late_after_minutes)
        publish_person_event(
            session,
            event=LATE_EVENT if late else ARRIVED_EVENT,
            meeting_id=meeting_id,
            person_id=person_id,
            at=event.at,
            source=source,
            flush=False,
        )
    detail: dict[str, object] = {"event_id": event.id, "kind": kind, "source": source}
    if actor is not None:
        detail["reason"] = note
    # Not flushed here: the outbox row and the audit entry go in one flush, at the latest
    # the commit's (the audit chain's), each flush a unit of work of its own.
    audit.record(
        session,
        actor=actor or by or source,
        action="check_in",
        meeting_id=meeting_id,
        subject=f"person:{person_id}",
        detail=detail,
        flush=False,
    )
    return CheckInResult(event, created=True)


# Built once: building and cache-keying an ORM select cost more than running it.
_BY_KEY = select(AttendanceEvent).where(AttendanceEvent.idempotency_key == bindparam("key"))
_FIRST_ARRIVAL = (
    select(AttendanceEvent)
    .where(
        AttendanceEvent.meeting_id == bindparam("meeting_id"),
        AttendanceEvent.person_id == bindparam("person_id"),
        AttendanceEvent.kind == ARRIVED,
    )
    .order_by(AttendanceEvent.at)
)
_KEY_OR_ARRIVAL = select(AttendanceEvent).where(
    or_(
        AttendanceEvent.idempotency_key == bindparam("key"),
        and_(
            AttendanceEvent.meeting_id == bindparam("meeting_id"),
            AttendanceEvent.person_id == bindparam("person_id"),
            AttendanceEvent.kind == ARRIVED,
        ),
    )
)


def _arrival_of(event: AttendanceEvent, meeting_id: int, person_id: int) -> bool:
    return event.meeting_id == meeting_id and event.person_id == person_id and event.kind == ARRIVED


def _by_key(session: Session, key: str) -> AttendanceEvent | None:
    return session.scalars(_BY_KEY, {"key": key}).first()


def _same_check_in(event: AttendanceEvent, meeting_id: int, person_id: int) -> AttendanceEvent:
    """The event a key already names, when it is this check-in's; else the key is refused
    (also when the other check-in won a race for the key a moment ago)."""
    if event.meeting_id != meeting_id or event.person_id != person_id:
        raise Conflict(
            "idempotency_key này đã dùng cho một lần điểm danh khác. "
            "This idempotency_key was already used for a different check-in.",
            code="IDEMPOTENCY_KEY_REUSED",
        )
    return event


def _first_arrival(session: Session, *, meeting_id: int, person_id: int) -> AttendanceEvent | None:
    return session.scalars(
        _FIRST_ARRIVAL, {"meeting_id": meeting_id, "person_id": person_id}
    ).first()


@dataclass(frozen=True)
class AttendanceRow:
    person: Person
    status: Status
    first_seen_at: datetime | None
    source: str | None
    left_at: datetime | None = None  # set while the person is checked out
    note: str | None = None  # the reason given for a manual check-in or check-out
    voting: bool = True  # a voting member (đại biểu); False for an observer or guest


def has_started(meeting: Meeting, *, now: datetime | None = None) -> bool:
    """From its start on, someone not arrived is absent; before it, they are not there yet.

    The start, not the late threshold: the minutes and a poll's quorum count who is in the
    room once the meeting is under way, and an arrival before the threshold still counts
    as on time.
    """
    return (now or utcnow()) >= meeting.starts_at


def late_after(starts_at: datetime, late_after_minutes: int) -> datetime:
    """An arrival after this moment is late (the API's report and the kiosk's screen agree)."""
    return starts_at + timedelta(minutes=late_after_minutes)


def meeting_attendance(
    session: Session, *, meeting_id: int, now: datetime | None = None
) -> list[AttendanceRow]:
    """Every roster member's status at `now` (the server's clock by default), in Vietnamese
    name order (attendance.names)."""
    meeting = get_meeting(session, meeting_id=meeting_id)
    late_after_at = late_after(meeting.starts_at, meeting.late_after_minutes)
    missing = Status.ABSENT if has_started(meeting, now=now) else Status.NOT_ARRIVED
    members = sorted(
        session.execute(
            select(Person, Participant.voting_rights)
            .join(Participant, Participant.person_id == Person.id)
            .where(Participant.meeting_id == meeting_id)
        ).all(),
        # Vietnamese order (given name first), so the API's list and the exports agree.
        key=lambda member: (name_sort_key(member[0].full_name), member[0].id),
    )
    arrivals = {
        e.person_id: e
        for e in session.scalars(
            select(AttendanceEvent).where(
                AttendanceEvent.meeting_id == meeting_id, AttendanceEvent.kind == ARRIVED
            )
        )
    }
    latest = latest_events(session, meeting_id=meeting_id)
    rows = []
    for person, votes in members:
        voting = bool(votes)
        event = arrivals.get(person.id)
        if event is None:
            rows.append(AttendanceRow(person, missing, None, None, voting=voting))
            continue
        status = Status.LATE if event.at > late_after_at else Status.PRESENT
        last = latest.get(person.id)
        left_at = last.at if last is not None and last.kind == LEFT else None
        notes = [e.note for e in (event, last) if e is not None and e.note]
        rows.append(
            AttendanceRow(
                person,
                status,
                event.at,
                event.source,
                left_at=left_at,
                note="; ".join(dict.fromkeys(notes)) or None,
                voting=voting,
            )
        )
    return rows
