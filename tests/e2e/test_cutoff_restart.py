"""The absent cut-off in a real `attendance serve`: a session whose cut-off passed while the
server was not marking is marked when it starts, once per student; after SIGTERM and a
restart nothing is marked or published a second time."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from e2e_server import StartServer
from sql_support import scalar
from sqlalchemy import select

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.orm import Meeting
from attendance.schools.classes import create_class, set_students

pytestmark = pytest.mark.slow

TOKEN = "e2e-admin-token-0123456789abcdef"
FAST = {"ATTEND_CUTOFF__PERIOD_SECONDS": "0.2", "ATTEND_CUTOFF__FIRST_RUN_SECONDS": "0"}
IDLE = {"ATTEND_CUTOFF__FIRST_RUN_SECONDS": "3600"}  # the job does not run during the test


def counts(database_url: str) -> tuple[int, int, int]:
    """(absence marks, outbound `absent` events, audit entries of a session marked)."""
    marks = scalar(database_url, "SELECT count(*) FROM absence_marks")
    events = scalar(database_url, "SELECT count(*) FROM outbound_events WHERE event = 'absent'")
    audits = scalar(database_url, "SELECT count(*) FROM audit_log WHERE action = 'absent_marked'")
    return int(marks), int(events), int(audits)


def test_the_cutoff_marks_once_across_a_restart(
    database_url: str, tmp_path: Path, start_server: StartServer
) -> None:
    server = start_server(database_url, TOKEN, env_extra=IDLE)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    kids = []
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        made = api.post("/api/v1/people", json={"full_name": name})
        assert made.status_code == 201, made.text
        kids.append(made.json()["id"])
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        cls = create_class(session, name="6A", school="THCS Ngọc Lâm", school_year="2026-2027")
        set_students(session, class_id=cls.id, person_ids=kids)
        class_id = cls.id
    engine.dispose()
    # Yesterday's first lesson (its cut-off long past) and tomorrow's (not due).
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    for day in (today - timedelta(days=1), today + timedelta(days=1)):
        body = {"date": day.isoformat(), "period": 1, "start": "07:30", "end": "08:15"}
        made = api.post(f"/api/v1/classes/{class_id}/sessions", json=body)
        assert made.status_code == 201, made.text
    # Entered before the term (a lesson entered after its cut-off is never marked absent).
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        for meeting in session.scalars(select(Meeting)):
            meeting.created_at = meeting.starts_at - timedelta(days=30)
    engine.dispose()
    assert counts(database_url) == (0, 0, 0)
    server.stop()

    server = start_server(database_url, TOKEN, env_extra=FAST)
    deadline = time.monotonic() + 30
    while counts(database_url)[0] < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert counts(database_url) == (3, 3, 1)
    listed = httpx.get(
        f"{server.url}/api/v1/classes/{class_id}/sessions",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ).json()
    assert [s["absent_marked_at"] is not None for s in listed] == [True, False]
    server.stop()  # SIGTERM

    server = start_server(database_url, TOKEN, env_extra=FAST)
    time.sleep(2)  # about ten turns of the job
    assert counts(database_url) == (3, 3, 1)
    logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("std*-*.txt"))
    assert "absent_cutoff failed" not in logs
