"""The rules that must hold under concurrency, raced by OS processes (each with its own engine,
released together) on this run's database: PostgreSQL with ATTEND_TEST_BACKEND=postgresql,
else one SQLite file. One arrival per person per meeting, an idempotency key used once, one
ballot per member, a ballot either counted before the close or refused after it, one winner
of a review item. The scheduled jobs racing themselves: tests/attendance/test_concurrency_jobs.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from functools import partial

import pytest
from ballot_support import open_poll_with_voters
from racing import Outcome, Racers
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.matching import Decision, FaceDecision
from attendance.meetings import create_meeting, set_participants
from attendance.orm import AttendanceEvent, AuditEntry, utcnow
from attendance.people import create_person
from attendance.review.service import confirm_review, record_review, reject_review
from attendance.tokens import SECRETARY
from attendance.voting.ballots import cast_ballot
from attendance.voting.master_key import MasterKey
from attendance.voting.polls import PollSpec, close_poll
from attendance.voting.tables import BallotRecord, Poll, SecretBallot, VotingPass
from usecases.checkins import record_arrival

MASTER_KEY_SECRET = "a master key for the tests' racing polls, 32+ characters"
ROUNDS = 2


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def a_meeting(factory: sessionmaker[Session], people: int) -> tuple[int, list[int]]:
    """A meeting under way and `people` members on its roster (voting members)."""
    start = utcnow() - timedelta(minutes=5)
    with unit_of_work(factory) as session:
        members = [create_person(session, full_name=f"Đại biểu {i}") for i in range(people)]
        meeting = create_meeting(
            session, title="Họp giao ban", starts_at=start, ends_at=start + timedelta(hours=2)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[p.id for p in members])
        return meeting.id, [p.id for p in members]


def count(factory: sessionmaker[Session], entity: type, *where: object) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(entity).where(*where)) or 0)  # type: ignore[arg-type]


def no_errors(outcomes: list[Outcome]) -> None:
    assert [o.error for o in outcomes if o.error] == []


# What each racer runs, in its own process (top-level, so the spawned process finds them).


def arrive(
    factory: sessionmaker[Session], index: int, *, meeting_id: int, person_ids: list[int], key: str
) -> tuple[int, int, bool, bool]:
    """The check-in route's service; the key has `{i}` filled with the racer's index."""
    with unit_of_work(factory) as session:
        arrival = record_arrival(
            session,
            role=SECRETARY,
            meeting_id=meeting_id,
            person_id=person_ids[index % len(person_ids)],
            source=f"kiosk-{index}",
            idempotency_key=key.format(i=index),
            by="Thư ký",
        )
        event = arrival.result.event
        return event.id, event.person_id, arrival.result.created, arrival.voting_token is not None


def vote(
    factory: sessionmaker[Session], index: int, *, poll: tuple[int, int, int], voters: list[int]
) -> int:
    meeting_id, poll_id, option_id = poll
    with unit_of_work(factory) as session:
        receipt = cast_ballot(
            session,
            meeting_id=meeting_id,
            poll_id=poll_id,
            voter_id=voters[index % len(voters)],
            option_ids=[option_id],
            channel="link",
            master_key=MasterKey(secret=MASTER_KEY_SECRET),
        )
        return receipt.record.id


def close(factory: sessionmaker[Session], index: int, *, poll: tuple[int, int, int]) -> int:
    with unit_of_work(factory) as session:
        closed = close_poll(
            session,
            meeting_id=poll[0],
            poll_id=poll[1],
            actor="admin",
            master_key=MasterKey(secret=MASTER_KEY_SECRET),
        )
        return closed.ballots_cast


def decide(factory: sessionmaker[Session], index: int, *, item_id: int) -> str:
    with unit_of_work(factory) as session:
        if index % 2:
            confirm_review(session, item_id=item_id, actor=f"admin ({index})")
            return "confirmed"
        reject_review(session, item_id=item_id, actor=f"admin ({index})")
        return "rejected"


# The rules.


def test_racing_processes_record_one_arrival_per_person(
    factory: sessionmaker[Session], racers: Racers, database_url: str
) -> None:
    for _ in range(ROUNDS):
        meeting_id, [person_id] = a_meeting(factory, 1)
        key = f"m{meeting_id}-kiosk-{{i}}"
        work = partial(arrive, meeting_id=meeting_id, person_ids=[person_id], key=key)
        outcomes = racers.race(database_url, [work] * racers.size)
        no_errors(outcomes)
        assert [o.refused for o in outcomes] == [None] * racers.size, outcomes
        events = {o.value[0] for o in outcomes}
        assert len(events) == 1  # every kiosk was told of the one arrival
        assert [o.value[2] for o in outcomes].count(True) == 1
        assert count(factory, AttendanceEvent, AttendanceEvent.meeting_id == meeting_id) == 1
        # The arrival's voting link (staff recorded it): handed out once, with the arrival.
        assert [o.value[3] for o in outcomes].count(True) == 1
        assert count(factory, VotingPass, VotingPass.meeting_id == meeting_id) == 1


def test_one_idempotency_key_sent_by_racing_processes_is_one_check_in(
    factory: sessionmaker[Session], racers: Racers, database_url: str
) -> None:
    meeting_id, [person_id] = a_meeting(factory, 1)
    work = partial(arrive, meeting_id=meeting_id, person_ids=[person_id], key="outbox-7")
    outcomes = racers.race(database_url, [work] * racers.size)
    no_errors(outcomes)
    assert len({o.value[0] for o in outcomes}) == 1
    assert [o.value[2] for o in outcomes].count(True) == 1
    assert count(factory, AttendanceEvent, AttendanceEvent.idempotency_key == "outbox-7") == 1


def test_one_key_racing_for_different_people_checks_in_one_and_refuses_the_others(
    factory: sessionmaker[Session], racers: Racers, database_url: str
) -> None:
    for round_ in range(ROUNDS):
        meeting_id, people = a_meeting(factory, racers.size)
        key = f"reused-{round_}"
        work = partial(arrive, meeting_id=meeting_id, person_ids=people, key=key)
        outcomes = racers.race(database_url, [work] * racers.size)
        no_errors(outcomes)
        went = [o.value for o in outcomes if o.refused is None]
        # The key names one check-in: the others are told so, not handed someone else's.
        assert len(went) == 1 and went[0][2] is True, outcomes
        assert {o.refused for o in outcomes if o.refused} == {"IDEMPOTENCY_KEY_REUSED"}
        assert count(factory, AttendanceEvent, AttendanceEvent.meeting_id == meeting_id) == 1


@pytest.mark.parametrize("secrecy", ["named", "secret"])
def test_racing_ballots_of_one_member_count_once(
    factory: sessionmaker[Session], racers: Racers, database_url: str, secrecy: str
) -> None:
    spec = PollSpec(title="Nghị quyết", secrecy=secrecy)
    for _ in range(ROUNDS):
        meeting_id, poll_id, options, [voter] = open_poll_with_voters(factory, voters=1, spec=spec)
        work = partial(vote, poll=(meeting_id, poll_id, options[0]), voters=[voter])
        outcomes = racers.race(database_url, [work] * racers.size)
        no_errors(outcomes)
        assert [o.refused for o in outcomes].count(None) == 1
        assert {o.refused for o in outcomes if o.refused} == {"ALREADY_VOTED"}
        assert count(factory, BallotRecord, BallotRecord.poll_id == poll_id) == 1
        if secrecy == "secret":
            assert count(factory, SecretBallot, SecretBallot.poll_id == poll_id) == 1
        with factory() as session:
            poll = session.get(Poll, poll_id)
            assert poll is not None and poll.ballots_cast == 1


@pytest.mark.parametrize("secrecy", ["named", "secret"])
def test_ballots_racing_the_close_are_counted_before_it_or_refused_after_it(
    factory: sessionmaker[Session], racers: Racers, database_url: str, secrecy: str
) -> None:
    spec = PollSpec(title="Nghị quyết", secrecy=secrecy)
    voters = racers.size - 1
    for _ in range(ROUNDS):
        meeting_id, poll_id, options, ids = open_poll_with_voters(factory, voters=voters, spec=spec)
        poll = (meeting_id, poll_id, options[0])
        works = [partial(vote, poll=poll, voters=ids)] * voters + [partial(close, poll=poll)]
        outcomes = racers.race(database_url, works)
        no_errors(outcomes)
        ballots, closer = outcomes[:voters], outcomes[voters]
        accepted = [o for o in ballots if o.refused is None]
        assert {o.refused for o in ballots if o.refused} <= {"POLL_CLOSED"}
        assert closer.refused is None and closer.value == len(accepted)
        with factory() as session:
            closed = session.get(Poll, poll_id)
            assert closed is not None and closed.state == "closed"
            result = json.loads(closed.result or "{}")
        recorded = count(factory, BallotRecord, BallotRecord.poll_id == poll_id)
        # Whatever the interleaving: every accepted ballot, and only those, in the result.
        assert recorded == len(accepted) == closed.ballots_cast == result["ballots"]
        assert sum(o["votes"] for o in result["options"]) == len(accepted)
        assert count(factory, SecretBallot, SecretBallot.poll_id == poll_id) == 0


def test_racing_secretaries_resolve_a_review_item_once(
    factory: sessionmaker[Session], racers: Racers, database_url: str
) -> None:
    for _ in range(ROUNDS):
        meeting_id, [person_id] = a_meeting(factory, 1)
        decision = FaceDecision(Decision.UNKNOWN, None, person_id, 0.44, 0.01, runner_up_id=None)
        with unit_of_work(factory) as session:
            item = record_review(
                session,
                meeting_id=meeting_id,
                decision=decision,
                source="k",
                key="k",
                crop_jpeg=b"j",
            )
            assert item is not None
            item_id = item.id
        outcomes = racers.race(database_url, [partial(decide, item_id=item_id)] * racers.size)
        no_errors(outcomes)
        won = [o.value for o in outcomes if o.refused is None]
        assert len(won) == 1
        assert {o.refused for o in outcomes if o.refused} == {"ALREADY_RESOLVED"}
        arrivals = count(factory, AttendanceEvent, AttendanceEvent.meeting_id == meeting_id)
        assert arrivals == (1 if won == ["confirmed"] else 0)
        resolved = count(
            factory,
            AuditEntry,
            AuditEntry.meeting_id == meeting_id,
            AuditEntry.action.in_(["review_confirmed", "review_rejected"]),
        )
        assert resolved == 1
