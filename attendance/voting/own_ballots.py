"""The ballots a delegate's link speaks for, as their phone shows them: their own and each
absent grantor's, each apart (cast or not, by whom, what was chosen, whether a form is due)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.orm import Person, utcnow
from attendance.presence import presence_event
from attendance.voting.standing import VoterStanding
from attendance.voting.tables import BallotRecord, NamedChoice, Poll


@dataclass(frozen=True)
class OwnBallot:
    person: Person  # whose ballot: the delegate, or a member whose proxy they hold
    for_self: bool
    voted: bool
    cast_by: Person | None  # who cast it; None when not cast yet
    # A named poll's choices, when this delegate may see them: their own ballot, or one they
    # cast. Never a secret poll's (nothing links a voter to a choice).
    option_ids: list[int] | None
    may_cast: bool  # a ballot form is due: not cast yet, or changeable by this delegate
    grantor_present: bool = False  # a grantor in the room votes in person, not by proxy


def own_ballots(
    session: Session, *, polls: list[Poll], voter: Person, standing: VoterStanding
) -> dict[int, list[OwnBallot]]:
    """Per poll: the delegate's own ballot first, then each grantor's, in name order.

    The same rules as casting (attendance/voting/ballots.py), asked ahead, so the phone offers
    a form only where a ballot would be taken, and each form is for one member: a change of
    one's own vote can never land on a grantor's ballot."""
    members = [voter, *standing.proxies_for]
    ids = [p.id for p in members]
    poll_ids = [p.id for p in polls]
    records = {
        (r.poll_id, r.person_id): r
        for r in session.scalars(
            select(BallotRecord).where(
                BallotRecord.poll_id.in_(poll_ids), BallotRecord.person_id.in_(ids)
            )
        )
    }
    chosen = _choices(session, [r for r in records.values() if _may_see(r, voter.id)], polls)
    by_id = {p.id: p for p in members}
    missing = {r.cast_by_id for r in records.values()} - set(by_id)
    if missing:
        by_id |= {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(missing)))}
    now = utcnow()
    here = {
        g.id
        for g in standing.proxies_for
        if polls and presence_event(session, meeting_id=polls[0].meeting_id, person_id=g.id, at=now)
    }
    found: dict[int, list[OwnBallot]] = {}
    for poll in polls:
        taking = poll.state == "open" and poll.kind != "opinion" and standing.may_vote
        rows = []
        for member in members:
            record = records.get((poll.id, member.id))
            mine = member.id == voter.id
            present = member.id in here
            if record is None:
                may_cast = taking and not present
            else:
                may_cast = (
                    taking and poll.allow_change and not present and _may_see(record, voter.id)
                )
            rows.append(
                OwnBallot(
                    person=member,
                    for_self=mine,
                    voted=record is not None,
                    cast_by=None if record is None else by_id.get(record.cast_by_id),
                    option_ids=None if record is None else chosen.get(record.id),
                    may_cast=may_cast,
                    grantor_present=present,
                )
            )
        found[poll.id] = rows
    return found


def _may_see(record: BallotRecord, voter_id: int) -> bool:
    """One's own ballot (whoever cast it), or one this delegate cast: as casting allows a
    change (ballots.py: the member or whoever cast it)."""
    return voter_id in (record.person_id, record.cast_by_id)


def _choices(
    session: Session, records: list[BallotRecord], polls: list[Poll]
) -> dict[int, list[int]]:
    named = {p.id for p in polls if p.secrecy == "named"}
    wanted = [r.id for r in records if r.poll_id in named]
    if not wanted:
        return {}
    chosen: dict[int, list[int]] = {r: [] for r in wanted}
    rows = session.execute(
        select(NamedChoice.voter_id, NamedChoice.option_id).where(NamedChoice.voter_id.in_(wanted))
    )
    for record_id, option_id in rows:
        chosen[record_id].append(option_id)
    return {r: sorted(options) for r, options in chosen.items()}
