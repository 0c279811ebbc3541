"""What an outbound event says about a person in a meeting or lesson: one shape for every
event (`arrived`, `late`, `absent`, `left`), so a parents' gateway or a city platform reads
them all alike."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from attendance import outbound
from attendance.orm import Meeting, Person
from attendance.schools.tables import ClassSession, SchoolClass, Student

logger = logging.getLogger(__name__)


def person_event_data(
    session: Session, *, meeting_id: int, person_id: int, at: datetime, source: str | None
) -> dict[str, object]:
    """`{meeting: {id, title, starts_at, room}, class: {id, name, school} | null,
    person: {id, full_name, code, student_code}, at, source}`."""
    meeting = session.get(Meeting, meeting_id)
    person = session.get(Person, person_id)
    lesson = session.get(ClassSession, meeting_id)
    cls = session.get(SchoolClass, lesson.class_id) if lesson is not None else None
    student = session.get(Student, person_id)
    return {
        "meeting": {
            "id": meeting_id,
            "title": meeting.title if meeting else None,
            "starts_at": meeting.starts_at.isoformat() if meeting else None,
            "room": meeting.room if meeting else None,
        },
        "class": (
            {"id": cls.id, "name": cls.name, "school": cls.school, "period": lesson.period}
            if cls is not None and lesson is not None
            else None
        ),
        "person": {
            "id": person_id,
            "full_name": person.full_name if person else None,
            "code": person.code if person else None,
            "student_code": student.student_code if student else None,
        },
        "at": at.isoformat(),
        "source": source,
    }


def publish_person_event(
    session: Session,
    *,
    event: str,
    meeting_id: int,
    person_id: int,
    at: datetime,
    source: str | None,
    flush: bool = True,
) -> outbound.OutboundEvent:
    """Publish one of `arrived`, `late`, `absent`, `left` in the caller's transaction."""
    data = person_event_data(
        session, meeting_id=meeting_id, person_id=person_id, at=at, source=source
    )
    return outbound.publish(session, event=event, data=data, at=at, flush=flush)


def publish_poll_closed(
    session: Session,
    *,
    poll_id: int,
    meeting_id: int,
    title: str,
    kind: str,
    secrecy: str,
    result: dict[str, Any],
    at: datetime,
) -> outbound.OutboundEvent:
    """`poll_closed`: the poll, its meeting and the totals of its result. Totals only, for a
    named poll too: who chose what stays with the meeting's minutes, not other systems."""
    meeting = session.get(Meeting, meeting_id)
    data: dict[str, object] = {
        "poll": {"id": poll_id, "title": title, "kind": kind, "secrecy": secrecy},
        "meeting": {
            "id": meeting_id,
            "title": meeting.title if meeting else None,
            "starts_at": meeting.starts_at.isoformat() if meeting else None,
        },
        "result": {
            "passed": result["passed"],
            "reason_vi": result["reason_vi"],
            "reason_en": result["reason_en"],
            "ballots": result["ballots"],
            "abstained": result["abstained"],
            "members": result["members"],
            "present": result["present"],
            "quorum_met": (result.get("quorum") or {}).get("met"),
            "options": [
                {"id": o["id"], "label": o["label"], "votes": o["votes"]} for o in result["options"]
            ],
            "winners": result["winners"],
        },
        "at": at.isoformat(),
    }
    return outbound.publish(session, event=outbound.POLL_CLOSED, data=data, at=at)
