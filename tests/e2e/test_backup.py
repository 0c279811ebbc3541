"""`attendance backup` taken while kiosks check in, restored into a fresh database: every
check-in acknowledged before the backup started is there, once; the copy is whole (on the
run's backend: SQLite's online backup, or pg_dump)."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from db_backends import sqlite_file
from e2e_server import StartServer, attendance_command
from kiosk_load import Load, arrivals, cli_env
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.slow

TOKEN = "e2e-admin-token-0123456789abcdef"
# Rows that would point nowhere: none in a consistent copy.
ORPHANS = (
    "SELECT count(*) FROM attendance_events e LEFT JOIN meeting_participants p "
    "ON p.meeting_id = e.meeting_id AND p.person_id = e.person_id WHERE p.person_id IS NULL"
)


def attendance(*args: str, db_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [attendance_command(), *args],
        env=cli_env(db_url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_backup_taken_under_load_restores_every_check_in_acknowledged_before_it(
    start_server: StartServer, database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    load = Load.prepare(server.url, TOKEN, kiosks=8, per_kiosk=8, meetings=8)
    stop = threading.Event()
    running = threading.Thread(
        target=load.run, kwargs={"deadline_s": 400, "pause_s": 0.01, "stop": stop}
    )
    running.start()
    while len(load.acks) < 40 and running.is_alive():
        time.sleep(0.01)
    started = time.time()
    made = attendance("backup", str(tmp_path / "backup"), db_url=database_url)
    finished = time.time()
    stop.set()
    running.join(timeout=60)
    assert made.returncode == 0, made.stderr[-3000:]
    before = [a for a in load.acks if a.at < started]
    during = [a for a in load.acks if started <= a.at <= finished]
    assert before and during, "the backup did not run under load"

    restored = attendance("restore", str(tmp_path / "backup"), db_url=empty_database_url)
    assert restored.returncode == 0, restored.stderr[-3000:]

    stored = arrivals(empty_database_url)
    keys = Counter(key for key, _, _ in stored)
    assert [a.stored_key for a in before if a.stored_key not in keys] == []
    assert [k for k, n in keys.items() if n > 1] == []
    assert len({(m, p) for _, m, p in stored}) == len(stored)
    # What the restore knew it lacked is only what came after the backup's moment.
    acked = {a.stored_key for a in load.acks}
    assert set(keys) <= acked
    engine = create_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text(ORPHANS)).scalar_one() == 0
    finally:
        engine.dispose()
    verified = attendance("audit", "verify", db_url=empty_database_url)
    assert verified.returncode == 0, verified.stderr[-3000:]
    if empty_database_url.startswith("sqlite"):
        assert "integrity_check: ok" in restored.stdout
        with sqlite3.connect(sqlite_file(empty_database_url)) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
