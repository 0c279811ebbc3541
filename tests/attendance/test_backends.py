"""The same schema and check-in rules on SQLite and, where one is given, PostgreSQL.

PostgreSQL runs when ATTEND_TEST_POSTGRES_URL names an empty database (.ci/run starts one).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, select, text

from attendance.checkin import check_in
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.meetings import create_meeting, set_participants
from attendance.migrate import upgrade
from attendance.orm import AttendanceEvent, Base
from attendance.people import create_person

POSTGRES_URL = os.environ.get("ATTEND_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'backend.db'}"
    elif POSTGRES_URL:
        url = POSTGRES_URL
    else:
        pytest.skip("set ATTEND_TEST_POSTGRES_URL to an empty PostgreSQL database to run this")
    upgrade(url)
    engine = make_engine(url)
    yield engine
    if request.param == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def test_migrations_match_the_orm(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


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
