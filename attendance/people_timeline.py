"""Two people's attendance in one meeting, made one person's: the earlier arrival is kept.

When both people of a merge were checked in to the same meeting, their events are read as one
timeline (by time): the earliest arrival stays the arrival; an arrival while already present
repeats it and is dropped; a departure while already gone is dropped; an arrival after a
departure becomes a return. What pointed at a dropped event (a ballot's eligibility, a review
item's arrival) then points at the presence that was in force at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from attendance.orm import AttendanceEvent, Meeting
from attendance.presence import ARRIVED, LEFT, PRESENT_KINDS, RETURNED
from attendance.review.tables import ReviewItem
from attendance.voting.tables import BallotRecord


@dataclass(frozen=True)
class SharedMeeting:
    """A meeting both people were checked in to, and how their events become one timeline."""

    meeting_id: int
    title: str
    kept_arrival: datetime  # the earlier arrival, which stays
    dropped: dict[int, int] = field(default_factory=dict)  # event id -> the event it repeats
    kinds: dict[int, str] = field(default_factory=dict)  # event id -> its kind from now on


def shared_meetings(session: Session, *, source_id: int, target_id: int) -> list[SharedMeeting]:
    """Every meeting where both have events, with its merged timeline; nothing is written."""
    events = list(
        session.scalars(
            select(AttendanceEvent)
            .where(AttendanceEvent.person_id.in_([source_id, target_id]))
            .order_by(AttendanceEvent.at, AttendanceEvent.id)
        )
    )
    by_meeting: dict[int, list[AttendanceEvent]] = {}
    for event in events:
        by_meeting.setdefault(event.meeting_id, []).append(event)
    shared = {m: e for m, e in by_meeting.items() if len({x.person_id for x in e}) > 1}
    titles = _titles(session, list(shared))
    return [_timeline(m, titles[m], shared[m]) for m in sorted(shared)]


def merge_timelines(session: Session, *, plans: list[SharedMeeting]) -> int:
    """Drop the repeated events and rename the rest, before the events change hands (the
    one-arrival-per-meeting index must hold at every step). Returns how many were dropped."""
    dropped = {e: keep for plan in plans for e, keep in plan.dropped.items()}
    for event_id, keep in dropped.items():
        session.execute(
            update(BallotRecord)
            .where(BallotRecord.eligibility_event_id == event_id)
            .values(eligibility_event_id=keep)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(ReviewItem)
            .where(ReviewItem.event_id == event_id)
            .values(event_id=keep)
            .execution_options(synchronize_session=False)
        )
    if dropped:
        session.execute(
            delete(AttendanceEvent)
            .where(AttendanceEvent.id.in_(list(dropped)))
            .execution_options(synchronize_session=False)
        )
    # Arrivals becoming returns first, so that no meeting ever holds two arrivals of one person.
    renamed = sorted(
        ((e, kind) for plan in plans for e, kind in plan.kinds.items()),
        key=lambda item: item[1] != RETURNED,
    )
    for event_id, kind in renamed:
        session.execute(
            update(AttendanceEvent)
            .where(AttendanceEvent.id == event_id)
            .values(kind=kind)
            .execution_options(synchronize_session=False)
        )
    session.flush()
    return len(dropped)


def _timeline(meeting_id: int, title: str, events: list[AttendanceEvent]) -> SharedMeeting:
    present: AttendanceEvent | None = None
    last_kept: AttendanceEvent | None = None
    first_arrival: AttendanceEvent | None = None
    dropped: dict[int, int] = {}
    kinds: dict[int, str] = {}
    for event in events:
        if event.kind in PRESENT_KINDS:
            if present is not None:
                dropped[event.id] = present.id
                continue
            kind = ARRIVED if first_arrival is None else RETURNED
            first_arrival = first_arrival or event
            if kind != event.kind:
                kinds[event.id] = kind
            present = last_kept = event
        elif event.kind == LEFT and present is not None:
            present = None
            last_kept = event
        elif last_kept is not None:  # a departure while already gone
            dropped[event.id] = last_kept.id
    arrival = first_arrival or events[0]
    return SharedMeeting(meeting_id, title, arrival.at, dropped, kinds)


def _titles(session: Session, meeting_ids: list[int]) -> dict[int, str]:
    if not meeting_ids:
        return {}
    rows = session.execute(select(Meeting.id, Meeting.title).where(Meeting.id.in_(meeting_ids)))
    return {int(i): str(t) for i, t in rows}
