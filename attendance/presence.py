"""Presence: who is in the room now. Arrive, leave, come back; the last event decides."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict, Forbidden, Invalid
from attendance.meetings import get_meeting, require_on_roster
from attendance.orm import AttendanceEvent, Person, utcnow
from attendance.outbound import LEFT as LEFT_EVENT
from attendance.outbound_data import publish_person_event
from attendance.people import get_person
from attendance.text import clean_text

ARRIVED = "arrived"
LEFT = "left"
RETURNED = "returned"
PRESENT_KINDS = (ARRIVED, RETURNED)


def latest_events(
    session: Session, *, meeting_id: int, at: datetime | None = None
) -> dict[int, AttendanceEvent]:
    """Each roster member's last presence event up to `at` (now by default)."""
    statement = (
        select(AttendanceEvent)
        .where(AttendanceEvent.meeting_id == meeting_id)
        .order_by(AttendanceEvent.at, AttendanceEvent.id)
    )
    if at is not None:
        statement = statement.where(AttendanceEvent.at <= at)
    latest: dict[int, AttendanceEvent] = {}
    for event in session.scalars(statement):
        latest[event.person_id] = event
    return latest


def present_events(
    session: Session, *, meeting_id: int, at: datetime | None = None
) -> dict[int, AttendanceEvent]:
    """The arrival (or return) that makes each present person present."""
    return {
        person_id: event
        for person_id, event in latest_events(session, meeting_id=meeting_id, at=at).items()
        if event.kind in PRESENT_KINDS
    }


def last_event(
    session: Session, *, meeting_id: int, person_id: int, at: datetime | None = None
) -> AttendanceEvent | None:
    """One person's last presence event up to `at` (any time by default)."""
    statement = (
        select(AttendanceEvent)
        .where(AttendanceEvent.meeting_id == meeting_id, AttendanceEvent.person_id == person_id)
        .order_by(AttendanceEvent.at.desc(), AttendanceEvent.id.desc())
    )
    if at is not None:
        statement = statement.where(AttendanceEvent.at <= at)
    return session.scalars(statement).first()


def presence_event(
    session: Session, *, meeting_id: int, person_id: int, at: datetime | None = None
) -> AttendanceEvent | None:
    last = last_event(session, meeting_id=meeting_id, person_id=person_id, at=at)
    return last if last is not None and last.kind in PRESENT_KINDS else None


def require_present(
    session: Session, *, meeting_id: int, person: Person, message: str, at: datetime | None = None
) -> AttendanceEvent:
    """The one present check (check-out, ballots, opinions, proxies): the event that makes this
    person present at `at` (now if None). `message` is the bilingual refusal, which says what
    presence was needed for."""
    event = presence_event(session, meeting_id=meeting_id, person_id=person.id, at=at)
    if event is None:
        raise Forbidden(message, code="NOT_PRESENT")
    return event


def check_out(
    session: Session,
    *,
    meeting_id: int,
    person_id: int,
    reason: str,
    actor: str,
    idempotency_key: str,
    at: datetime | None = None,
    source: str = "manual",
) -> tuple[AttendanceEvent, bool]:
    """Record that a present member left (by hand, or `source` "gate": a school gate's kiosk).
    A repeated key returns the first event."""
    key = clean_text(idempotency_key, field="idempotency_key")
    reason = clean_text(reason, field="reason")
    if not key:
        raise Invalid("Thiếu idempotency_key. idempotency_key must not be empty.")
    existing = session.scalars(
        select(AttendanceEvent).where(AttendanceEvent.idempotency_key == key)
    ).first()
    if existing is not None:
        if (existing.meeting_id, existing.person_id, existing.kind) != (
            meeting_id,
            person_id,
            LEFT,
        ):
            raise Conflict(
                "idempotency_key này đã được dùng cho việc khác. "
                "This idempotency_key was already used for something else.",
                code="IDEMPOTENCY_KEY_REUSED",
            )
        return existing, False
    if not reason:
        raise Invalid(
            "Cần ghi lý do khi cho đại biểu ra về. A reason is required to check someone out.",
            code="REASON_REQUIRED",
        )
    get_meeting(session, meeting_id=meeting_id)
    person = get_person(session, person_id=person_id)
    require_on_roster(session, meeting_id=meeting_id, person=person)
    when = (at or utcnow()).astimezone(timezone.utc)
    require_present(
        session,
        meeting_id=meeting_id,
        person=person,
        at=when,
        message=f"{person.full_name} hiện không có mặt nên không thể ghi ra về. "
        "This person is not present, so they cannot be checked out.",
    )
    event = AttendanceEvent(
        meeting_id=meeting_id,
        person_id=person_id,
        kind=LEFT,
        at=when,
        source=source,
        idempotency_key=key,
        note=reason,
        actor=actor,
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="check_out",
        meeting_id=meeting_id,
        subject=f"person:{person_id}",
        detail={"reason": reason, "event_id": event.id},
    )
    publish_person_event(
        session,
        event=LEFT_EVENT,
        meeting_id=meeting_id,
        person_id=person_id,
        at=when,
        source="manual",
    )
    return event, True
