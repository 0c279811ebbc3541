"""Building response schemas from domain objects, with times in the configured zone."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from api.schemas import (
    EventRead,
    FaceRead,
    MeetingRead,
    PersonBrief,
    PersonRead,
    SecondOpinionRead,
)
from attendance.errors import Invalid
from attendance.orm import AttendanceEvent, Meeting, Person
from attendance.recognition import IdentifiedFace


def local(value: datetime, zone: str) -> datetime:
    return value.astimezone(ZoneInfo(zone))


def as_utc(value: datetime, zone: str) -> datetime:
    """A time without an offset is read in the deployment's zone (offices write local time)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    try:
        utc = value.astimezone(timezone.utc)
        local(utc, zone)  # it is shown back in the local zone: that must not overflow either
    except OverflowError as exc:
        raise Invalid(
            f"Thời điểm {value} nằm ngoài phạm vi. The time {value} is out of range."
        ) from exc
    return utc


def person_read(
    person: Person, templates: int | None = None, consent: str | None = None
) -> PersonRead:
    return PersonRead(
        id=person.id,
        full_name=person.full_name,
        code=person.code,
        unit=person.unit,
        title=person.title,
        templates=templates,
        consent=consent,
    )


def meeting_read(meeting: Meeting, zone: str) -> MeetingRead:
    return MeetingRead(
        id=meeting.id,
        title=meeting.title,
        room=meeting.room,
        starts_at=local(meeting.starts_at, zone),
        ends_at=local(meeting.ends_at, zone),
        late_after_minutes=meeting.late_after_minutes,
    )


def event_read(event: AttendanceEvent, *, created: bool, zone: str) -> EventRead:
    return EventRead(
        id=event.id,
        meeting_id=event.meeting_id,
        person=PersonBrief(id=event.person.id, full_name=event.person.full_name),
        kind=event.kind,
        at=local(event.at, zone),
        source=event.source,
        similarity=event.similarity,
        margin=event.margin,
        idempotency_key=event.idempotency_key,
        created=created,
        note=event.note,
    )


def brief(person: Person | None) -> PersonBrief | None:
    """A person as the answers name them: id and full name (None stays None)."""
    return None if person is None else PersonBrief(id=person.id, full_name=person.full_name)


def face_read(face: IdentifiedFace) -> FaceRead:
    d = face.decision
    return FaceRead(
        box=[round(v) for v in face.box],
        det_score=round(face.det_score, 4),
        person=brief(face.person),
        candidate=brief(face.candidate),
        similarity=None if d.similarity is None else round(d.similarity, 4),
        margin=None if d.margin is None else round(d.margin, 4),
        decision=d.decision.value,
        threshold=None if d.threshold is None else round(d.threshold, 4),
        second_opinion=(
            None
            if face.second_opinion is None
            else SecondOpinionRead.model_validate(face.second_opinion.as_dict())
        ),
    )
