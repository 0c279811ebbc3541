"""The server stops and starts again in the middle of a kiosk run: every check-in, once."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from e2e_server import StartServer, free_port
from test_kiosk_process import (
    KIOSK_SECONDS,
    arrivals,
    kiosk_command,
    kiosk_env,
    outbox_states,
    set_up_room,
    walk_in_video,
)
from test_server_process import TOKEN

pytestmark = pytest.mark.slow

# The video plays at 5 frames a second: 8 s of empty room (the server is stopped then),
# 14 frames of the six people, and 8 s more of empty room (the server comes back then).
FRAME_INTERVAL_S = 0.2
EMPTY_BEFORE, EMPTY_AFTER = 40, 40


def wait_for(what: str, condition: Callable[[], bool], *, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout_s} s waiting for {what}")


def test_check_ins_decided_while_the_server_is_down_arrive_once_after_it_restarts(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    server = start_server(database_url, TOKEN)
    room = set_up_room(server.url)
    video = tmp_path / "walk-in.avi"
    walk_in_video(video, empty_before=EMPTY_BEFORE, empty_after=EMPTY_AFTER)
    outbox = tmp_path / "outbox.sqlite"
    web = f"127.0.0.1:{free_port()}"
    command = kiosk_command(server.url, room.kiosk_token, video, outbox, listen=web)
    command += ["--frame-interval", str(FRAME_INTERVAL_S)]
    stderr_path = tmp_path / "kiosk-stderr.txt"
    with stderr_path.open("wb") as stderr:
        kiosk = subprocess.Popen(command, cwd=tmp_path, env=kiosk_env(model_cache), stderr=stderr)
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
            "five check-ins waiting in the outbox",
            lambda: outbox.exists() and outbox_states(outbox).get("pending") == 5,
            timeout_s=60,
        )
        assert kiosk.poll() is None, "the kiosk ended before the server came back"
        scraped = httpx.get(f"http://{web}/metrics", timeout=5)
        assert scraped.status_code == 200
        health = dict(
            line.split(" ") for line in scraped.text.splitlines() if not line.startswith("#")
        )
        assert health["kiosk_outbox_depth"] == "5"
        assert health["kiosk_checkins_sent_total"] == "0"
        assert int(health["kiosk_frames_total"]) > EMPTY_BEFORE
        assert float(health["kiosk_detect_ms_avg"]) > 0
        port = urlsplit(server.url).port
        start_server(database_url, TOKEN, port=port)

        assert kiosk.wait(timeout=KIOSK_SECONDS) == 0, log()[-3000:]
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait(timeout=15)
    assert "delivery failed" in log()
    assert outbox_states(outbox) == {"sent": 5}, log()[-3000:]
    assert arrivals(database_url, room.meeting_id) == sorted(room.roster)
    assert room.outsider not in arrivals(database_url, room.meeting_id)
