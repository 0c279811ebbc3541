"""Counting: the live tally while a poll is open, and the result written when it closes."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.names import name_sort_key
from attendance.orm import Person
from attendance.voting.membership import represented, voting_members
from attendance.voting.outcome import Counts, OptionCount, decide
from attendance.voting.rules import Quorum
from attendance.voting.tables import BallotRecord, NamedChoice, Poll, SecretCount


def option_votes(session: Session, poll: Poll) -> dict[int, int]:
    if poll.secrecy == "secret":
        rows = session.execute(
            select(SecretCount.option_id, SecretCount.votes).where(SecretCount.poll_id == poll.id)
        )
    else:
        rows = session.execute(
            select(NamedChoice.option_id, func.count())
            .join(BallotRecord, BallotRecord.id == NamedChoice.voter_id)
            .where(BallotRecord.poll_id == poll.id)
            .group_by(NamedChoice.option_id)
        )
    return {option_id: count for option_id, count in rows}


def voters(session: Session, poll: Poll) -> list[BallotRecord]:
    return list(
        session.scalars(
            select(BallotRecord).where(BallotRecord.poll_id == poll.id).order_by(BallotRecord.id)
        )
    )


def _state(session: Session, poll: Poll) -> tuple[Counts, Quorum, list[BallotRecord]]:
    """The poll's counts, its quorum now and its voters, read once for a tally or a result."""
    records = voters(session, poll)
    votes = option_votes(session, poll)
    options = [OptionCount(o.id, o.label, o.role, votes.get(o.id, 0)) for o in poll.options]
    members = len(voting_members(session, meeting_id=poll.meeting_id))
    in_person, by_proxy = represented(session, meeting_id=poll.meeting_id)
    present = len(in_person | by_proxy)
    counts = Counts(
        options=options,
        ballots=len(records),
        abstained=sum(o.votes for o in options if o.role == "abstain"),
        members=members,
        present=present,
    )
    quorum = Quorum(
        members=members, present=present, fraction=Fraction(poll.quorum_num, poll.quorum_den)
    )
    return counts, quorum, records


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        session.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids))).all()
    )


def tally(
    session: Session,
    poll: Poll,
    state: tuple[Counts, Quorum, list[BallotRecord]] | None = None,
) -> dict[str, Any]:
    """What the secretary sees: counts so far, quorum now, proxies used, who has not voted.

    Who has not voted is listed for named polls only; a secret poll shows numbers only.
    """
    c, quorum, records = state or _state(session, poll)
    proxy_votes = [(r.person_id, r.cast_by_id) for r in records if r.cast_by_id != r.person_id]
    people = {p for pair in proxy_votes for p in pair}
    missing: set[int] = set()
    if poll.secrecy == "named":
        voted = {r.person_id for r in records}
        missing = voting_members(session, meeting_id=poll.meeting_id) - voted
    names = _names(session, people | missing)
    waiting = None
    if poll.secrecy == "named":
        order = sorted(missing, key=lambda p: (name_sort_key(names[p]), p))
        waiting = [{"id": p, "full_name": names[p]} for p in order]
    vi, en = quorum.text()
    # A secret poll's counts wait for the close: followed ballot by ballot next to the
    # audit log's list of who voted when, they would tell who chose what.
    hidden = poll.secrecy == "secret" and poll.state != "closed"
    return {
        "poll_id": poll.id,
        "state": poll.state,
        "ballots": c.ballots,
        "options": [
            {
                "id": o.option_id,
                "label": o.label,
                "role": o.role,
                "votes": None if hidden else o.votes,
            }
            for o in c.options
        ],
        "abstained": None if hidden else c.abstained,
        "members": c.members,
        "present": c.present,
        "quorum": {
            "required": quorum.required,
            "met": quorum.met,
            "text_vi": vi,
            "text_en": en,
        },
        "proxies": [
            {
                "grantor": {"id": g, "full_name": names[g]},
                "holder": {"id": h, "full_name": names[h]},
            }
            for g, h in proxy_votes
        ],
        "not_voted": waiting,
    }


def final_result(session: Session, poll: Poll) -> dict[str, Any]:
    """Counted once, as the poll closes; stored and published as it is."""
    state = _state(session, poll)
    c, quorum, _ = state
    outcome = decide(
        kind=poll.kind,
        base=poll.base,
        majority=poll.majority,
        fraction=Fraction(poll.majority_num, poll.majority_den),
        abstentions_in_base=poll.abstentions_in_base,
        seats=poll.max_choices,
        counts=c,
        quorum=quorum,
    )
    live = tally(session, poll, state)
    named = None
    if poll.secrecy == "named":
        named = _named_choices(session, poll)
    return {
        "passed": outcome.passed,
        "reason_vi": outcome.reason_vi,
        "reason_en": outcome.reason_en,
        "base_kind": poll.base,
        "base": outcome.base,
        "needed": outcome.needed,
        "winners": outcome.winners,
        "ballots": c.ballots,
        "abstained": c.abstained,
        "members": c.members,
        "present": c.present,
        "options": live["options"],
        "quorum": live["quorum"],
        "proxies": live["proxies"],
        "named_choices": named,
    }


def _named_choices(session: Session, poll: Poll) -> list[dict[str, Any]]:
    rows = session.execute(
        select(BallotRecord.person_id, BallotRecord.cast_by_id, NamedChoice.option_id)
        .join(NamedChoice, NamedChoice.voter_id == BallotRecord.id)
        .where(BallotRecord.poll_id == poll.id)
    ).all()
    chosen: dict[int, list[int]] = {}
    cast_by: dict[int, int] = {}
    for person_id, by, option_id in rows:
        chosen.setdefault(person_id, []).append(option_id)
        cast_by[person_id] = by
    names = _names(session, set(chosen) | set(cast_by.values()))
    labels = {o.id: o.label for o in poll.options}
    return [
        {
            "person": {"id": p, "full_name": names[p]},
            "cast_by": None
            if cast_by[p] == p
            else {"id": cast_by[p], "full_name": names[cast_by[p]]},
            "options": [labels[o] for o in sorted(options)],
        }
        # Vietnamese name order, given name first (attendance.names), as the exports list them.
        for p, options in sorted(chosen.items(), key=lambda i: (name_sort_key(names[i[0]]), i[0]))
    ]
