"""The server side of bench/load.py: the database seeded through the domain functions (people,
a meeting open now, a kiosk token per kiosk), `attendance serve` started and stopped, and
the counts read back."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.meetings import create_meeting, set_participants
from attendance.migrate import upgrade
from attendance.orm import AttendanceEvent, AuditEntry, utcnow
from attendance.people import create_person
from attendance.presence import ARRIVED
from attendance.tokens import create_kiosk_token

ROOM = "Hội trường tải"
STARTUP_SECONDS = 300  # N workers each load the models; on a busy machine that takes minutes


@dataclass(frozen=True)
class Seeded:
    meeting_id: int
    person_ids: list[int]
    tokens: list[str]


def seed(db_url: str, *, kiosks: int, people: int) -> Seeded:
    """A meeting in one room, open from ten minutes ago for three hours, `people` on its roster,
    and a kiosk token for that room per kiosk (names unique to this run)."""
    upgrade(db_url)
    engine = make_engine(db_url)
    run = f"{time.time_ns():x}"
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            persons = [create_person(session, full_name=f"Đại biểu {i}") for i in range(people)]
            now = utcnow()
            meeting = create_meeting(
                session,
                title=f"Tải {run}",
                starts_at=now - timedelta(minutes=10),
                ends_at=now + timedelta(hours=3),
                room=ROOM,
                late_after_minutes=60,
            )
            ids = [p.id for p in persons]
            set_participants(session, meeting_id=meeting.id, person_ids=ids)
            tokens = [
                create_kiosk_token(session, name=f"load-{run}-{k}", room=ROOM)[1]
                for k in range(kiosks)
            ]
            return Seeded(meeting.id, ids, tokens)
    finally:
        engine.dispose()


def count_arrivals(db_url: str, meeting_id: int) -> tuple[int, int]:
    """(arrivals recorded, check-ins audited) in the meeting."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            arrivals = connection.scalar(
                select(func.count()).where(
                    AttendanceEvent.meeting_id == meeting_id, AttendanceEvent.kind == ARRIVED
                )
            )
            audited = connection.scalar(
                select(func.count()).where(
                    AuditEntry.meeting_id == meeting_id, AuditEntry.action == "check_in"
                )
            )
        return int(arrivals or 0), int(audited or 0)
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and every process under it (Linux /proc): what the
    server spent, whatever else runs on the machine."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    family, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return sum(times.get(member, 0.0) for member in family)


@contextmanager
def serve(db_url: str, folder: Path, *, workers: int = 1) -> Iterator[tuple[str, int]]:
    """`attendance serve` on `db_url` on a free port, its log in `folder`; stopped after."""
    command = shutil.which("attendance", path=str(Path(sys.executable).parent)) or "attendance"
    port = free_port()
    # The caller's settings (key files, model cache) and this run's database.
    env = os.environ | {
        "ATTEND_DB_URL": db_url,
        "ATTEND_DATA_DIR": os.environ.get("ATTEND_DATA_DIR", str(folder)),
        "ATTEND_ADMIN_TOKEN": os.environ.get("ATTEND_ADMIN_TOKEN", secrets.token_urlsafe(32)),
        "ATTEND_AUTO_MIGRATE": "true",
    }
    args = [command, "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [*args, "--workers", str(workers)], cwd=folder, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, folder / "server.log")
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit(f"the server did not answer /healthz within {STARTUP_SECONDS} s")
