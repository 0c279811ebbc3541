"""Writers racing on one audit chain (SQLite and, where given, PostgreSQL): every committed
entry gets its own place, none is lost, a rolled-back one leaves no gap, the chain verifies.

On this run's backend: SQLite, or PostgreSQL with ATTEND_TEST_BACKEND=postgresql (CI runs both).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select

from attendance import audit
from attendance.audit_verify import verify_chain
from attendance.checkin import check_in
from attendance.db import make_session_factory, unit_of_work
from attendance.meetings import create_meeting, set_participants
from attendance.orm import AuditEntry
from attendance.people import create_person

START = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
WRITERS = 6
ROUNDS = 8


def test_racing_writers_leave_one_gap_free_chain(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        meeting = create_meeting(
            session, title="Kỳ họp", starts_at=START, ends_at=START + timedelta(hours=3)
        )
        people = [create_person(session, full_name=f"Đại biểu {i}") for i in range(WRITERS)]
        set_participants(session, meeting_id=meeting.id, person_ids=[p.id for p in people])
        meeting_id, ids = meeting.id, [p.id for p in people]
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(index: int) -> None:
        try:
            barrier.wait()
            with unit_of_work(sessions) as session:  # row locks of a check-in, then the head
                check_in(
                    session,
                    meeting_id=meeting_id,
                    person_id=ids[index],
                    source=f"kiosk:{index}",
                    idempotency_key=f"arrival-{index}",
                    at=START,
                    now=START,
                )
                audit.record(session, actor=f"writer {index}", action="note")
            for round_ in range(ROUNDS):
                with unit_of_work(sessions) as session:
                    audit.record(session, actor=f"writer {index}", action="note")
                    audit.record(session, actor=f"writer {index}", action=f"round {round_}")
            with pytest.raises(RuntimeError), unit_of_work(sessions) as session:
                audit.record(session, actor=f"writer {index}", action="rolled back")
                raise RuntimeError("the request failed")
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with sessions() as session:
        seqs = list(session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)))
        actions = set(session.scalars(select(AuditEntry.action)))
    expected = WRITERS * (2 + 2 * ROUNDS)
    assert seqs == list(range(1, expected + 1))
    assert "rolled back" not in actions
    report = verify_chain(engine)
    assert report.problem is None and report.entries == expected


def test_entries_of_a_savepoint_rolled_back_are_not_chained(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        audit.record(session, actor="Thư ký", action="kept")
        with pytest.raises(RuntimeError), session.begin_nested():
            audit.record(session, actor="Thư ký", action="undone")
            raise RuntimeError("the inner step failed")
        audit.record(session, actor="Thư ký", action="kept too")
    with sessions() as session:
        chained = session.execute(
            select(AuditEntry.seq, AuditEntry.action).order_by(AuditEntry.seq)
        ).all()
    assert [tuple(r) for r in chained] == [(1, "kept"), (2, "kept too")]
    assert verify_chain(engine).problem is None
