"""SIGTERM in the middle of a kiosk run: it exits 0 at once and loses no decided check-in.

The server is stopped after the kiosk's first gallery sync, so the check-ins decided before
the SIGTERM are surely still pending: the next run, with the server back, delivers them once.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from e2e_server import StartServer
from test_kiosk_process import (
    KIOSK_SECONDS,
    arrivals,
    kiosk_command,
    kiosk_env,
    outbox_states,
    set_up_room,
    walk_in_video,
    write_video,
)
from test_kiosk_restart import wait_for
from test_server_process import TOKEN

pytestmark = pytest.mark.slow

# 5 frames a second: 1 s of empty room, the six people for 14 frames, then 20 s of empty room
# that the SIGTERM cuts short.
FRAME_INTERVAL_S = 0.2
EMPTY_BEFORE, EMPTY_AFTER = 5, 100
EXIT_SECONDS = 5


def decided(outbox: Path) -> dict[str, tuple[int, str]]:
    """Every check-in the kiosk decided: idempotency key -> (person, state)."""
    try:
        with sqlite3.connect(outbox) as db:
            rows = db.execute("SELECT idempotency_key, person_id, state FROM outbox").fetchall()
    except sqlite3.OperationalError:  # not created yet
        return {}
    return {str(key): (int(person), str(state)) for key, person, state in rows}


def test_sigterm_exits_zero_quickly_and_the_next_run_sends_what_was_pending_once(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    server = start_server(database_url, TOKEN)
    room = set_up_room(server.url)
    video = tmp_path / "walk-in.avi"
    walk_in_video(video, empty_before=EMPTY_BEFORE, empty_after=EMPTY_AFTER)
    outbox = tmp_path / "outbox.sqlite"
    command = kiosk_command(server.url, room.kiosk_token, video, outbox)
    command += ["--frame-interval", str(FRAME_INTERVAL_S)]
    env = kiosk_env(model_cache)
    stderr_path = tmp_path / "kiosk-stderr.txt"
    with stderr_path.open("wb") as stderr:
        kiosk = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=stderr)
    try:

        def log() -> str:
            return stderr_path.read_text(errors="replace")

        wait_for(
            "the kiosk's first gallery sync",
            lambda: "gallery synced" in log() or kiosk.poll() is not None,
            timeout_s=60,
        )
        assert kiosk.poll() is None, log()[-3000:]
        server.stop()
        wait_for(
            "a first check-in decided",
            lambda: bool(outbox.exists() and decided(outbox)) or kiosk.poll() is not None,
            timeout_s=60,
        )
        assert kiosk.poll() is None, log()[-3000:]
        kiosk.send_signal(signal.SIGTERM)
        assert kiosk.wait(timeout=EXIT_SECONDS) == 0, log()[-3000:]
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait(timeout=15)
    assert "signal 15: stopping" in log()
    assert "end of input" not in log(), "the video ended before the SIGTERM"

    before = decided(outbox)
    assert before, "no check-in in the outbox"
    assert {state for _, state in before.values()} <= {"pending", "sent"}, before
    sent = sorted(person for person, state in before.values() if state == "sent")
    pending = sorted(person for person, state in before.values() if state == "pending")
    assert arrivals(database_url, room.meeting_id) == sent  # sent: on the server, once each
    assert set(sent + pending) <= set(room.roster)

    assert pending, "the server was down: nothing could be sent"
    start_server(database_url, TOKEN, port=urlsplit(server.url).port)

    # A short empty-room video: the next run delivers what was pending, and only that.
    empty = tmp_path / "empty.avi"
    write_video(empty, [np.full((480, 640, 3), 90, dtype=np.uint8) for _ in range(3)])
    again = subprocess.run(
        kiosk_command(server.url, room.kiosk_token, empty, outbox),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=KIOSK_SECONDS,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert arrivals(database_url, room.meeting_id) == sorted(sent + pending), again.stderr[-3000:]
    assert outbox_states(outbox) == {"sent": len(before)}
