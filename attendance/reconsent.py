"""Templates not used for a long time, listed so that staff ask for consent again.

"Used" is read from what recognition already wrote, never a write per match: an attendance
event that carries a similarity (a face check-in, from a kiosk, an image or a review) or a
ballot cast by face. A person enrolled recently counts from their newest template. Nothing
is deleted here: the list is for staff to renew consent or erase.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.orm import AttendanceEvent, FaceTemplate, Person, utcnow
from attendance.voting.tables import BallotRecord

logger = logging.getLogger(__name__)

DEFAULT_UNUSED_DAYS = 730


@dataclass(frozen=True)
class UnusedTemplates:
    person_id: int
    full_name: str
    templates: int
    enrolled_at: datetime  # the newest template's time
    last_used_at: datetime | None  # the last face recognition, None when never


def unused_templates(
    session: Session, *, unused_days: int = DEFAULT_UNUSED_DAYS, now: datetime | None = None
) -> list[UnusedTemplates]:
    """People whose templates have not recognised them for `unused_days`, longest unused first."""
    cutoff = (now or utcnow()) - timedelta(days=unused_days)
    enrolled = dict(
        session.execute(
            select(FaceTemplate.person_id, func.max(FaceTemplate.created_at))
            .where(FaceTemplate.companion_of.is_(None))  # a later second-model one: no photo
            .group_by(FaceTemplate.person_id)
        ).all()
    )
    counts = dict(
        session.execute(
            select(FaceTemplate.person_id, func.count())
            .where(FaceTemplate.companion_of.is_(None))  # faces, not each model's template
            .group_by(FaceTemplate.person_id)
        ).all()
    )
    seen: dict[int, datetime] = {}
    for person_id, at in session.execute(
        select(AttendanceEvent.person_id, func.max(AttendanceEvent.at))
        .where(AttendanceEvent.similarity.is_not(None))
        .group_by(AttendanceEvent.person_id)
    ).all():
        seen[person_id] = at
    for person_id, at in session.execute(
        select(BallotRecord.cast_by_id, func.max(BallotRecord.at))
        .where(BallotRecord.channel == "face")
        .group_by(BallotRecord.cast_by_id)
    ).all():
        seen[person_id] = max(at, seen.get(person_id, at))
    stale = [
        person_id
        for person_id, at in enrolled.items()
        if _utc(max(at, seen.get(person_id, at))) < cutoff
    ]
    names = dict(
        session.execute(select(Person.id, Person.full_name).where(Person.id.in_(stale))).all()
    )
    found = [
        UnusedTemplates(
            person_id=p,
            full_name=names[p],
            templates=int(counts[p]),
            enrolled_at=_utc(enrolled[p]),
            last_used_at=_utc(seen[p]) if p in seen else None,
        )
        for p in stale
        if p in names
    ]
    return sorted(found, key=lambda u: (u.last_used_at or u.enrolled_at, u.person_id))


def _utc(value: datetime) -> datetime:
    # An aggregate may come back as stored (naive UTC on SQLite): read it as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
