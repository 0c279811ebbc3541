"""Whether a delegate may vote now, and why not: what the voting page says before any ballot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.names import name_sort_key
from attendance.orm import Participant, Person, utcnow
from attendance.presence import PRESENT_KINDS, last_event
from attendance.voting.tables import Proxy


class Standing(str, Enum):
    PRESENT = "present"  # a voting member in the room: may vote
    NOT_ARRIVED = "not_arrived"  # a voting member not checked in yet
    CHECKED_OUT = "checked_out"  # a voting member who checked in and then left
    OBSERVER = "observer"  # on the roster without a vote
    NOT_ON_ROSTER = "not_on_roster"


@dataclass(frozen=True)
class VoterStanding:
    standing: Standing
    may_vote: bool
    may_give_opinions: bool  # on the roster and present, with or without a vote
    proxies_for: list[Person]  # the members whose proxy this delegate holds, by name


def voter_standing(
    session: Session, *, meeting_id: int, person_id: int, at: datetime | None = None
) -> VoterStanding:
    """The same rules as a ballot (attendance/voting/ballots.py) and an opinion, asked ahead:
    on the roster, with voting rights, present now (checked in, not checked out)."""
    rights = session.scalar(
        select(Participant.voting_rights).where(
            Participant.meeting_id == meeting_id, Participant.person_id == person_id
        )
    )
    last = last_event(session, meeting_id=meeting_id, person_id=person_id, at=at or utcnow())
    present = last is not None and last.kind in PRESENT_KINDS
    if rights is None:
        standing = Standing.NOT_ON_ROSTER
    elif not rights:
        standing = Standing.OBSERVER
    elif present:
        standing = Standing.PRESENT
    else:
        standing = Standing.CHECKED_OUT if last is not None else Standing.NOT_ARRIVED
    grantors = list(
        session.scalars(
            select(Person)
            .join(Proxy, Proxy.grantor_id == Person.id)
            .where(Proxy.meeting_id == meeting_id, Proxy.holder_id == person_id)
        )
    )
    return VoterStanding(
        standing=standing,
        may_vote=standing is Standing.PRESENT,
        may_give_opinions=rights is not None and present,
        proxies_for=sorted(grantors, key=lambda p: (name_sort_key(p.full_name), p.id)),
    )
