"""`attendance kiosk` refused by a real `attendance serve`: status 2 and a bilingual reason,
at the start or while it runs, and the check-ins it holds are delivered by the next run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import numpy as np
import pytest
from e2e_server import StartServer
from test_kiosk_process import (
    KIOSK_SECONDS,
    ROOM,
    arrivals,
    kiosk_command,
    kiosk_env,
    outbox_states,
    set_up_room,
    walk_in_video,
    write_video,
)
from test_kiosk_restart import wait_for
from test_server_process import TOKEN, ok

pytestmark = pytest.mark.slow

# A refusal at the start is said within the time it takes to load the models, not retried.
REFUSED_SECONDS = 120


def empty_video(path: Path, frames: int = 3) -> Path:
    write_video(path, [np.full((480, 640, 3), 90, np.uint8) for _ in range(frames)])
    return path


def test_a_token_revoked_while_the_kiosk_runs_ends_it_and_its_check_ins_wait(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    server = start_server(database_url, TOKEN)
    room = set_up_room(server.url)
    video = tmp_path / "walk-in.avi"
    walk_in_video(video, empty_before=40)  # 8 s of empty room at 5 frames a second
    outbox = tmp_path / "outbox.sqlite"
    command = kiosk_command(server.url, room.kiosk_token, video, outbox)
    command += ["--frame-interval", "0.2"]
    stderr_path = tmp_path / "kiosk-stderr.txt"
    # Who is present is asked only every 5 minutes here, so the first check-in's delivery is
    # what hears the 401 (test_kiosk_elsewhere: the poll hears it within seconds).
    env = kiosk_env(model_cache) | {"ATTEND_KIOSK__ARRIVALS_SECONDS": "300"}
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
        admin = {"Authorization": f"Bearer {TOKEN}"}
        tokens = ok(httpx.get(f"{server.url}/api/v1/kiosk-tokens", headers=admin))
        token_id = next(t["id"] for t in tokens if t["name"] == "cửa-1")
        ok(httpx.delete(f"{server.url}/api/v1/kiosk-tokens/{token_id}", headers=admin))
        status = kiosk.wait(timeout=KIOSK_SECONDS)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait(timeout=15)
    assert status == 2, log()[-3000:]
    assert "đã thu hồi hoặc sai" in log() and "revoked or wrong" in log()
    assert "stay in the outbox" in log()
    waiting = outbox_states(outbox)
    assert set(waiting) == {"pending"} and 1 <= waiting["pending"] <= len(room.roster), waiting
    assert arrivals(database_url, room.meeting_id) == []

    # Started again with a new token: what waited is delivered, once each.
    new_token = ok(
        httpx.post(
            f"{server.url}/api/v1/kiosk-tokens",
            json={"name": "cửa-1-mới", "room": ROOM},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ),
        201,
    )["token"]
    again = subprocess.run(
        kiosk_command(server.url, new_token, empty_video(tmp_path / "empty.avi"), outbox),
        cwd=tmp_path,
        env=kiosk_env(model_cache),
        capture_output=True,
        text=True,
        timeout=KIOSK_SECONDS,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert outbox_states(outbox) == {"sent": waiting["pending"]}
    delivered = arrivals(database_url, room.meeting_id)
    assert len(delivered) == waiting["pending"] and set(delivered) <= set(room.roster)


def test_a_wrong_room_or_an_admin_token_without_a_room_ends_the_kiosk_at_once(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    server = start_server(database_url, TOKEN)
    room = set_up_room(server.url)
    video = empty_video(tmp_path / "empty.avi")
    wrong_room = [
        *kiosk_command(server.url, room.kiosk_token, video, tmp_path / "a.sqlite"),
        "--room",
        "Phòng họp tầng 3",
    ]
    no_room = kiosk_command(server.url, TOKEN, video, tmp_path / "b.sqlite")
    # The server's own words come through: which room the token is for, or that one is needed.
    for command, said in ((wrong_room, [ROOM, "Phòng họp tầng 3"]), (no_room, ["room"])):
        done = subprocess.run(
            command,
            cwd=tmp_path,
            env=kiosk_env(model_cache),
            capture_output=True,
            text=True,
            timeout=REFUSED_SECONDS,
        )
        assert done.returncode == 2, done.stderr[-3000:]
        assert "thử lại cũng không được" in done.stderr, done.stderr[-3000:]
        assert "retrying cannot help" in done.stderr
        assert all(words in done.stderr for words in said), done.stderr[-3000:]
        assert "retrying in" not in done.stderr  # said once, not retried
