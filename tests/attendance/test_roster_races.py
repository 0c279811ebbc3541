"""Racing writes on one database, as two server threads would: what each decided on holds."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from attendance.checkin import CheckInResult, check_in
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.errors import DomainError
from attendance.meetings import create_meeting, set_participants
from attendance.orm import AttendanceEvent, Participant, utcnow
from attendance.people import create_person
from attendance.people_removal import delete_person
from attendance.roster import remove_participant
from attendance.roster_replace import replace_roster
from attendance.voting.passes import issue_pass
from attendance.voting.proxies import give_proxy
from attendance.voting.tables import Proxy, VotingPass

TRIALS = 20


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def a_meeting_with_one_person(factory: sessionmaker[Session], n: int) -> tuple[int, int]:
    with unit_of_work(factory) as session:
        person = create_person(session, full_name=f"Đại biểu {n}")
        start = utcnow() - timedelta(minutes=5)
        meeting = create_meeting(
            session, title=f"Họp {n}", starts_at=start, ends_at=start + timedelta(hours=2)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
        return meeting.id, person.id


def arrive(session: Session, *, meeting_id: int, person_id: int, key: str) -> CheckInResult:
    return check_in(
        session, meeting_id=meeting_id, person_id=person_id, source="kiosk", idempotency_key=key
    )


def together(*work: Callable[[Session], Any], factory: sessionmaker[Session]) -> list[Any]:
    """Each in its own thread and unit of work, released at once; a result or the error (the
    database's refusal of a write that lost the race is answered 409 by the server)."""
    barrier = threading.Barrier(len(work))
    out: list[Any] = [None] * len(work)

    def run(i: int) -> None:
        barrier.wait()
        try:
            with unit_of_work(factory) as session:
                out[i] = work[i](session)
        except (DomainError, IntegrityError) as exc:
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def test_an_arrival_never_outlives_a_removal_from_the_roster(
    factory: sessionmaker[Session],
) -> None:
    for n in range(TRIALS):
        meeting_id, person_id = a_meeting_with_one_person(factory, n)
        removed, arrived = together(
            partial(remove_participant, meeting_id=meeting_id, person_id=person_id, actor="tk"),
            partial(arrive, meeting_id=meeting_id, person_id=person_id, key=f"k{n}"),
            factory=factory,
        )
        assert isinstance(removed, DomainError) != isinstance(arrived, Exception), n
        with factory() as session:
            on_roster = session.get(Participant, (meeting_id, person_id)) is not None
            events = session.scalar(
                select(func.count())
                .select_from(AttendanceEvent)
                .where(AttendanceEvent.meeting_id == meeting_id)
            )
        assert (on_roster, events) in {(True, 1), (False, 0)}, n


def test_a_deletion_without_force_never_takes_an_arrival_it_did_not_count(
    factory: sessionmaker[Session],
) -> None:
    for n in range(TRIALS):
        meeting_id, person_id = a_meeting_with_one_person(factory, n)
        deleted, arrived = together(
            partial(delete_person, person_id=person_id, actor="tk"),
            partial(arrive, meeting_id=meeting_id, person_id=person_id, key=f"k{n}"),
            factory=factory,
        )
        if isinstance(arrived, CheckInResult) and arrived.created:
            # The arrival was written: the deletion must have seen it and been refused.
            assert isinstance(deleted, DomainError), n
            assert deleted.code == "PERSON_HAS_RECORDS"


def a_meeting_with_a_member_present(factory: sessionmaker[Session], n: int) -> tuple[int, int, int]:
    """A meeting, an absent member and a member present (who could hold a proxy)."""
    meeting_id, absent = a_meeting_with_one_person(factory, n)
    with unit_of_work(factory) as session:
        present = create_person(session, full_name=f"Có mặt {n}").id
        set_participants(session, meeting_id=meeting_id, person_ids=[absent, present])
        arrive(session, meeting_id=meeting_id, person_id=present, key=f"in{n}")
    return meeting_id, absent, present


def test_a_whole_new_roster_leaves_no_proxy_or_link_of_someone_it_took_off(
    factory: sessionmaker[Session],
) -> None:
    for n in range(TRIALS):
        meeting_id, absent, present = a_meeting_with_a_member_present(factory, n)
        only_present = partial(
            replace_roster,
            meeting_id=meeting_id,
            person_ids=[present],
            non_voting_ids=[],
            actor="tk",
        )
        grant = partial(
            give_proxy, meeting_id=meeting_id, grantor_id=absent, holder_id=present, actor="tk"
        )
        link = partial(issue_pass, meeting_id=meeting_id, person_id=absent, actor="tk")
        together(only_present, grant, link, factory=factory)
        with factory() as session:
            on_roster = session.get(Participant, (meeting_id, absent)) is not None
            proxies = session.scalar(
                select(func.count()).select_from(Proxy).where(Proxy.grantor_id == absent)
            )
            links = session.scalar(
                select(func.count())
                .select_from(VotingPass)
                .where(VotingPass.person_id == absent, VotingPass.revoked_at.is_(None))
            )
        assert on_roster or (proxies, links) == (0, 0), n
