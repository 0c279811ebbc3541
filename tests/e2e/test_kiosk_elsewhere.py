"""`attendance kiosk` against a real server: someone checked in by hand at the desk is greeted
"already checked in at" that time at the door, not checked in again; without --name the
kiosk goes by its token's name; a token revoked while it runs stops it within seconds."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_server import StartServer, free_port
from sql_support import fetch
from test_kiosk_process import (
    KIOSK_SECONDS,
    kiosk_command,
    kiosk_env,
    set_up_room,
    walk_in_video,
)
from test_kiosk_refused_process import empty_video
from test_kiosk_restart import wait_for
from test_server_process import TOKEN, ok

pytestmark = pytest.mark.slow

ADMIN = {"Authorization": f"Bearer {TOKEN}"}


def without_name(command: list[str]) -> list[str]:
    at = command.index("--name")
    return command[:at] + command[at + 2 :]


def watch_events(url: str, stop: threading.Event, seen: dict[int, dict[str, Any]]) -> None:
    """Every decision the kiosk's screen showed, by its number, while the kiosk runs."""
    with httpx.Client(timeout=2) as http:
        while not stop.is_set():
            try:
                for event in http.get(url).json():
                    seen[int(event["id"])] = event
            except (httpx.HTTPError, ValueError):
                pass
            stop.wait(0.2)


def events(database_url: str, meeting_id: int) -> dict[int, tuple[str, str]]:
    rows = fetch(
        database_url,
        "SELECT person_id, source, at FROM attendance_events "
        "WHERE kind = 'arrived' AND meeting_id = :meeting",
        meeting=meeting_id,
    )
    return {int(p): (str(source), str(at)) for p, source, at in rows}


def test_a_delegate_checked_in_by_hand_is_greeted_with_that_time_and_not_checked_in_again(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    server = start_server(database_url, TOKEN)
    room = set_up_room(server.url)  # the kiosk token is named "cửa-1"
    at_desk = room.roster[1]
    by_hand_at = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=2)
    hand = {
        "person_id": at_desk,
        "source": "manual",
        "idempotency_key": "desk-1",
        "note": "Điểm danh tại bàn thư ký",
        "at": by_hand_at.isoformat(),
    }
    url = f"{server.url}/api/v1/meetings/{room.meeting_id}/checkins"
    ok(httpx.post(url, json=hand, headers=ADMIN), 201)
    video = tmp_path / "walk-in.avi"
    walk_in_video(video, empty_before=5)
    outbox = tmp_path / "outbox.sqlite"
    port = free_port()
    command = kiosk_command(server.url, room.kiosk_token, video, outbox, listen=f"127.0.0.1:{port}")
    seen: dict[int, dict[str, Any]] = {}
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_events, args=(f"http://127.0.0.1:{port}/events", stop, seen)
    )
    watcher.start()
    try:
        done = subprocess.run(
            [*without_name(command), "--frame-interval", "0.2"],
            cwd=tmp_path,
            env=kiosk_env(model_cache),
            capture_output=True,
            text=True,
            timeout=KIOSK_SECONDS,
        )
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert done.returncode == 0, done.stderr[-3000:]

    cards = [e for e in seen.values() if e["person"] and e["person"]["id"] == at_desk]
    assert cards, (seen, done.stderr[-3000:])
    assert {c["kind"] for c in cards} == {"already_checked_in"}, cards
    shown = datetime.fromisoformat(cards[0]["checked_in_at"])
    assert shown == by_hand_at and shown.utcoffset() == timedelta(hours=7)  # the server's zone
    assert cards[0]["status_vi"] == f"Đã điểm danh lúc {shown:%H:%M}"

    arrived = events(database_url, room.meeting_id)
    assert sorted(arrived) == sorted(room.roster)
    assert arrived[at_desk][0] == "manual"  # the desk's arrival stands
    # Without --name: the token's name, in the source and in every idempotency key.
    by_kiosk = {p: source for p, (source, _) in arrived.items() if p != at_desk}
    assert set(by_kiosk.values()) == {"kiosk:cửa-1"}, by_kiosk
    with sqlite3.connect(outbox) as db:
        keys = [str(k) for (k,) in db.execute("SELECT idempotency_key FROM outbox")]
    assert sorted(keys) == sorted(
        f"cửa-1:{room.meeting_id}:{p}" for p in room.roster if p != at_desk
    )


def test_a_token_revoked_while_nobody_passes_stops_the_kiosk_within_seconds(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    server = start_server(database_url, TOKEN)
    room = set_up_room(server.url)
    video = empty_video(tmp_path / "empty.avi", frames=300)  # a minute of empty room
    command = kiosk_command(server.url, room.kiosk_token, video, tmp_path / "outbox.sqlite")
    stderr_path = tmp_path / "kiosk-stderr.txt"
    with stderr_path.open("wb") as stderr:
        kiosk = subprocess.Popen(
            [*command, "--frame-interval", "0.2"],
            cwd=tmp_path,
            env=kiosk_env(model_cache),
            stderr=stderr,
        )
    try:
        wait_for(
            "the kiosk's first gallery sync",
            lambda: (
                "gallery synced" in stderr_path.read_text(errors="replace")
                or kiosk.poll() is not None
            ),
            timeout_s=60,
        )
        tokens = ok(httpx.get(f"{server.url}/api/v1/kiosk-tokens", headers=ADMIN))
        token_id = next(t["id"] for t in tokens if t["name"] == "cửa-1")
        ok(httpx.delete(f"{server.url}/api/v1/kiosk-tokens/{token_id}", headers=ADMIN))
        revoked = time.monotonic()
        status = kiosk.wait(timeout=KIOSK_SECONDS)
        took = time.monotonic() - revoked
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait(timeout=15)
    log = stderr_path.read_text(errors="replace")
    assert status == 2, log[-3000:]
    assert "revoked or wrong" in log
    # The arrivals poll (every 3 s) hears the 401; the gallery's (every 60 s) would not yet.
    assert took < 10, (took, log[-3000:])
