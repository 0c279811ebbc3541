"""Erasing a person's face data on request, with the time it was done in the answer and the log.

A template goes with its face crop and the person's review crops (attendance/people.py); the
gallery version moves, so every kiosk drops them at its next sync.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from attendance import audit
from attendance.orm import utcnow
from attendance.people import erase_templates, get_person
from attendance.templates import erase_template

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Erasure:
    person_id: int
    erased: int
    erased_at: datetime


def erase_face_data(session: Session, *, person_id: int, actor: str) -> Erasure:
    """Every template of a person, their crops and review crops: gone, and logged."""
    get_person(session, person_id=person_id)
    count = erase_templates(session, person_id=person_id)
    now = utcnow()
    audit.record(
        session,
        actor=actor,
        action="templates_erased",
        subject=f"person:{person_id}",
        detail={"templates_erased": count, "erased_at": now.isoformat()},
    )
    logger.info("person %d: %d templates erased", person_id, count)
    return Erasure(person_id=person_id, erased=count, erased_at=now)


def erase_one_template(
    session: Session, *, person_id: int, template_id: int, actor: str
) -> Erasure:
    """One enrolled photo: its template and its crop, logged."""
    get_person(session, person_id=person_id)
    now = utcnow()
    erase_template(session, person_id=person_id, template_id=template_id, actor=actor)  # logs it
    return Erasure(person_id=person_id, erased=1, erased_at=now)
