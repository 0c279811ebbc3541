"""Helpers for the ballot tests: a meeting under way, its members checked in, a poll open."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from sqlalchemy.orm import Session, sessionmaker

from attendance.checkin import check_in
from attendance.db import unit_of_work
from attendance.meetings import create_meeting, set_participants
from attendance.orm import utcnow
from attendance.people import create_person
from attendance.voting.polls import PollSpec, create_poll, open_poll

SECRET = PollSpec(title="Nghị quyết", secrecy="secret", base="cast")


class OpenPoll(NamedTuple):
    meeting_id: int
    poll_id: int
    option_ids: list[int]
    voter_ids: list[int]


def open_poll_with_voters(
    factory: sessionmaker[Session], *, voters: int, spec: PollSpec = SECRET
) -> OpenPoll:
    """A meeting that began five minutes ago, `voters` members present, a poll open."""
    start = utcnow() - timedelta(minutes=5)
    with unit_of_work(factory) as session:
        people = [create_person(session, full_name=f"Đại biểu {i:02d}") for i in range(voters)]
        meeting = create_meeting(
            session, title="Kỳ họp", starts_at=start, ends_at=start + timedelta(hours=2)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[p.id for p in people])
        for p in people:
            check_in(
                session,
                meeting_id=meeting.id,
                person_id=p.id,
                source="kiosk",
                idempotency_key=f"in-{p.id}",
                at=start,
            )
        poll = create_poll(session, meeting_id=meeting.id, spec=spec, actor="admin")
        open_poll(session, meeting_id=meeting.id, poll_id=poll.id, actor="admin")
        return OpenPoll(meeting.id, poll.id, [o.id for o in poll.options], [p.id for p in people])
