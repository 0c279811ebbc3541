"""The `attendance` command from different folders finds one database: the data folder's."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from e2e_server import StartServer, attendance_command

from attendance.data_dir import sqlite_file

# The default data folder and the database file in it: the layout of an SQLite install.
pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [attendance_command(), *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_commands_run_from_other_folders_share_the_default_data_folder(tmp_path: Path) -> None:
    # The documented default, not ATTEND_DATA_DIR: $XDG_DATA_HOME/attendance.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEND_")}
    env |= {"XDG_DATA_HOME": str(tmp_path / "xdg"), "COLUMNS": "400"}
    data = tmp_path / "xdg" / "attendance"
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()

    created = run(["kiosk-token", "create", "--name", "cửa-A", "--room", "P1"], first, env)
    assert created.returncode == 0, created.stderr
    assert (data / "attendance.db").is_file()
    meeting_id = _add_meeting(data / "attendance.db")

    listed = run(["kiosk-token", "list"], second, env)
    assert listed.returncode == 0 and "cửa-A" in listed.stdout, listed.stderr
    exported = run(["export", str(meeting_id), "--format", "csv"], second, env)
    assert exported.returncode == 0, exported.stderr
    assert [p.suffix for p in second.iterdir()] == [".csv"]  # the export, and no ./data
    assert list(first.iterdir()) == []

    missing = run(["export", "999", "--format", "csv"], second, env)
    assert missing.returncode == 2
    said = " ".join(missing.stderr.split())
    assert "No meeting with id 999" in said and f"Database in use: {data / 'attendance.db'}" in said


def _add_meeting(path: Path) -> int:
    from attendance.db import make_engine, make_session_factory, unit_of_work
    from attendance.meetings import create_meeting, set_participants
    from attendance.people import create_person

    engine = make_engine(f"sqlite:///{path}")
    start = datetime(2027, 3, 2, 1, 0, tzinfo=timezone.utc)
    with unit_of_work(make_session_factory(engine)) as session:
        meeting = create_meeting(
            session, title="Họp giao ban", starts_at=start, ends_at=start + timedelta(hours=2)
        )
        person = create_person(session, full_name="Nguyễn Văn An")
        set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
        meeting_id = meeting.id
    engine.dispose()
    return meeting_id


def test_the_server_names_an_older_database_in_its_folder(
    start_server: StartServer, tmp_path: Path
) -> None:
    old = tmp_path / "data"
    old.mkdir()
    (old / "attendance.db").touch()
    database = tmp_path / "in-use.db"
    server = start_server(database, "e2e-folders-admin-token-0123456789")
    server.stop()
    log = " ".join((tmp_path / "stderr-0.txt").read_text(encoding="utf-8").split())
    assert f"older database, {old / 'attendance.db'}" in log
    assert f"set ATTEND_DATA_DIR={old}" in log
    assert f"Database in use: {sqlite_file(f'sqlite:///{database}')}" in log
