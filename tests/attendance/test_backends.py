"""The same check-in, review and ballot rules on SQLite and PostgreSQL, raced by threads
(tests/attendance/test_concurrency_rules.py races processes).

On this run's backend: SQLite, or PostgreSQL with ATTEND_TEST_BACKEND=postgresql (CI runs both).
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from ballot_support import open_poll_with_voters
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from attendance.checkin import check_in
from attendance.db import forget_deleted, make_session_factory, unit_of_work
from attendance.errors import Conflict
from attendance.matching import Decision, FaceDecision
from attendance.meetings import create_meeting, set_participants
from attendance.orm import AttendanceEvent
from attendance.people import create_person
from attendance.review.service import confirm_review, get_review, record_review, reject_review
from attendance.review.tables import ReviewItem
from attendance.voting.ballots import cast_ballot
from attendance.voting.master_key import MasterKey
from attendance.voting.polls import PollSpec, close_poll
from attendance.voting.tables import BallotRecord, Poll, SecretBallot

MASTER_KEY = MasterKey(secret="a master key for the tests' secret polls only")


def test_racing_kiosks_record_one_arrival(engine: Engine) -> None:
    factory = make_session_factory(engine)
    start = datetime.now(timezone.utc)
    with unit_of_work(factory) as session:
        person = create_person(session, full_name="Nguyễn Văn An")
        meeting = create_meeting(
            session, title="Họp giao ban", starts_at=start, ends_at=start + timedelta(hours=1)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
        meeting_id, person_id = meeting.id, person.id
    barrier = threading.Barrier(8)
    created: list[bool] = []

    def kiosk(n: int) -> None:
        barrier.wait()
        with unit_of_work(factory) as session:
            result = check_in(
                session,
                meeting_id=meeting_id,
                person_id=person_id,
                source=f"kiosk-{n}",
                idempotency_key=f"kiosk-{n}:{person_id}",
            )
            created.append(result.created)

    threads = [threading.Thread(target=kiosk, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with factory() as session:
        rows = session.scalar(select(func.count()).select_from(AttendanceEvent))
    assert rows == 1
    assert created.count(True) == 1 and len(created) == 8


def _review_item(factory: sessionmaker[Session]) -> int:
    start = datetime.now(timezone.utc)
    with unit_of_work(factory) as session:
        person = create_person(session, full_name="Nguyễn Văn An")
        meeting = create_meeting(
            session, title="Họp giao ban", starts_at=start, ends_at=start + timedelta(hours=1)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
        decision = FaceDecision(Decision.UNKNOWN, None, person.id, 0.44, 0.01, runner_up_id=None)
        item = record_review(
            session, meeting_id=meeting.id, decision=decision, source="a", key="k", crop_jpeg=b"j"
        )
        assert item is not None
        return item.id


def test_racing_retries_of_one_uncertain_face_queue_one_review_item(engine: Engine) -> None:
    # A kiosk whose request timed out sends the same sighting again while the first runs.
    factory = make_session_factory(engine)
    start = datetime.now(timezone.utc)
    with unit_of_work(factory) as session:
        person = create_person(session, full_name="Nguyễn Văn An")
        meeting = create_meeting(
            session, title="Họp giao ban", starts_at=start, ends_at=start + timedelta(hours=1)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
        meeting_id, person_id = meeting.id, person.id
    decision = FaceDecision(Decision.UNKNOWN, None, person_id, 0.44, 0.2)
    barrier = threading.Barrier(8)
    items: list[int | None] = []

    def retry() -> None:
        barrier.wait()
        with unit_of_work(factory) as session:
            item = record_review(
                session,
                meeting_id=meeting_id,
                decision=decision,
                source="k",
                key="k:1",
                crop_jpeg=b"j",
            )
            items.append(item.id if item is not None else None)

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with factory() as session:
        rows = session.scalar(select(func.count()).select_from(ReviewItem))
    assert rows == 1 and len(items) == 8 and len(set(items)) == 1 and None not in items


def test_a_review_item_read_before_another_secretary_confirmed_it_cannot_be_rejected(
    engine: Engine,
) -> None:
    factory = make_session_factory(engine)
    item_id = _review_item(factory)
    with factory() as slow:
        # The page was opened while the item was pending; the session still holds it so.
        seen = get_review(slow, item_id=item_id)
        with unit_of_work(factory) as quick:
            confirm_review(quick, item_id=item_id, actor="admin (Thu)")
        with pytest.raises(Conflict) as caught:
            reject_review(slow, item_id=item_id, actor="admin (Lan)")
        assert "đã được xử lý" in caught.value.message
        slow.rollback()
        assert seen.id == item_id
    with factory() as session:
        item = get_review(session, item_id=item_id)
        assert (item.status, item.resolved_by) == ("confirmed", "admin (Thu)")
        assert session.scalar(select(func.count()).select_from(AttendanceEvent)) == 1


def test_racing_confirm_and_reject_resolve_a_review_item_once(engine: Engine) -> None:
    factory = make_session_factory(engine)
    item_id = _review_item(factory)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def secretary(n: int) -> None:
        decide = confirm_review if n % 2 else reject_review
        barrier.wait()
        try:
            with unit_of_work(factory) as session:
                decide(session, item_id=item_id, actor=f"admin ({n})")
            outcomes.append("won")
        except Conflict:
            outcomes.append("lost")

    threads = [threading.Thread(target=secretary, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost"] * 5 + ["won"]
    with factory() as session:
        item = get_review(session, item_id=item_id)
        events = session.scalar(select(func.count()).select_from(AttendanceEvent))
        assert events == (1 if item.status == "confirmed" else 0)


@pytest.mark.parametrize("secrecy", ["named", "secret"])
def test_racing_ballots_and_close_count_each_accepted_ballot_once(
    engine: Engine, secrecy: str
) -> None:
    factory = make_session_factory(engine)
    spec = PollSpec(title="Nghị quyết", secrecy=secrecy)
    meeting_id, poll_id, options, voter_ids = open_poll_with_voters(factory, voters=20, spec=spec)
    option_id = options[0]
    barrier = threading.Barrier(41)
    outcomes: list[str] = []

    def voter(n: int) -> None:
        barrier.wait()
        try:
            with unit_of_work(factory) as session:
                cast_ballot(
                    session,
                    meeting_id=meeting_id,
                    poll_id=poll_id,
                    voter_id=voter_ids[n // 2],  # each member submits twice
                    option_ids=[option_id],
                    channel="link",
                    master_key=MASTER_KEY,
                )
            outcomes.append("accepted")
        except Conflict as refused:
            outcomes.append(refused.code)

    def closer() -> None:
        barrier.wait()
        with unit_of_work(factory) as session:
            close_poll(
                session,
                meeting_id=meeting_id,
                poll_id=poll_id,
                actor="admin",
                master_key=MASTER_KEY,
            )

    threads = [threading.Thread(target=voter, args=(n,)) for n in range(40)]
    threads.append(threading.Thread(target=closer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    accepted = outcomes.count("accepted")
    assert len(outcomes) == 40
    assert set(outcomes) <= {"accepted", "ALREADY_VOTED", "POLL_CLOSED"}
    with unit_of_work(factory) as session:
        closed = session.get(Poll, poll_id)
        assert closed is not None and closed.state == "closed"
        recorded = session.scalar(
            select(func.count()).select_from(BallotRecord).where(BallotRecord.poll_id == poll_id)
        )
        result = json.loads(closed.result or "{}")
    # Whatever the interleaving: every accepted ballot, and only those, is in the result.
    assert recorded == accepted == closed.ballots_cast == result["ballots"]
    assert sum(o["votes"] for o in result["options"]) == accepted  # counted once each
    assert accepted <= 20


def _table_files(engine: Engine) -> bytes | None:
    """The bytes on disk of the secret-ballot tables, where this connection may read them."""
    if engine.dialect.name == "sqlite":
        database = Path(str(engine.url.database))
        wal = database.with_name(database.name + "-wal")
        return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    with engine.connect() as connection:
        if not connection.exec_driver_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).scalar():
            return None
        connection.exec_driver_sql("CHECKPOINT")  # the table files as the buffers hold them
        return b"".join(
            connection.exec_driver_sql(
                f"SELECT pg_read_binary_file(pg_relation_filepath('{table}'))"
            ).scalar_one()
            for table in ("poll_secret_ballots", "polls")
        )


def test_closing_a_secret_poll_leaves_no_sealed_ballot_in_the_table_files(engine: Engine) -> None:
    factory = make_session_factory(engine)
    meeting_id, poll_id, options, voter_ids = open_poll_with_voters(factory, voters=4)
    for n, voter_id in enumerate(voter_ids):
        with unit_of_work(factory) as session:
            cast_ballot(
                session,
                meeting_id=meeting_id,
                poll_id=poll_id,
                voter_id=voter_id,
                option_ids=[options[n % 2]],
                channel="link",
                master_key=MASTER_KEY,
            )
    with factory() as session:
        secrets = set(session.scalars(select(SecretBallot.sealed)))
        secrets.add(session.scalars(select(Poll.ballot_key)).one() or b"")
    assert len(secrets) == 5
    before = _table_files(engine)
    if before is not None:
        assert any(s in before for s in secrets)  # what the close must erase
    with unit_of_work(factory) as session:
        close_poll(
            session, meeting_id=meeting_id, poll_id=poll_id, actor="admin", master_key=MASTER_KEY
        )
    assert forget_deleted(engine)  # also ran after the close committed
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(SecretBallot)) == 0
        result = json.loads(session.scalars(select(Poll.result)).one() or "{}")
    assert [o["votes"] for o in result["options"]] == [2, 2, 0]
    after = _table_files(engine)
    if after is None:
        pytest.skip("reading PostgreSQL's table files needs a superuser")
    assert not [s for s in secrets if s in after]
