"""`attendance kiosk` on a video against a real `attendance serve`: the roster, once each."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from e2e_server import StartServer, attendance_command
from PIL import Image
from sql_support import fetch
from test_server_process import T1_PATH, TOKEN, enroll_t1_people, ok

pytestmark = pytest.mark.slow

ROOM = "Phòng họp tầng 2"
KIOSK_SECONDS = 240


def write_video(path: Path, frames: list[np.ndarray]) -> None:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (width, height))
    assert writer.isOpened()
    for frame in frames:
        writer.write(frame)
    writer.release()


def walk_in_video(path: Path, *, empty_before: int = 2, empty_after: int = 0) -> None:
    """Empty frames, then t1's six people drifting and growing a little for 14 frames."""
    t1 = cv2.imread(str(T1_PATH))
    height, width = t1.shape[:2]
    frames = [np.full_like(t1, 90) for _ in range(empty_before)]
    for i in range(14):
        scale = 0.95 + 0.005 * i
        shift = np.float32([[scale, 0, 4 * i], [0, scale, 2 * i]])
        frames.append(cv2.warpAffine(t1, shift, (width, height), borderValue=(90, 90, 90)))
    frames += [np.full_like(t1, 90) for _ in range(empty_after)]
    write_video(path, frames)


def arrivals(database_url: str, meeting_id: int) -> list[int]:
    rows = fetch(
        database_url,
        "SELECT person_id FROM attendance_events WHERE kind = 'arrived' AND meeting_id = :meeting",
        meeting=meeting_id,
    )
    return sorted(int(r[0]) for r in rows)


@dataclass(frozen=True)
class Room:
    """A meeting in ROOM with t1's first five people invited, and a kiosk token for ROOM."""

    meeting_id: int
    roster: list[int]
    outsider: int
    kiosk_token: str


def set_up_room(server_url: str) -> Room:
    t1 = Image.open(T1_PATH).convert("RGB")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server_url, headers=headers, timeout=60) as api:
        ids = enroll_t1_people(api, t1)
        kiosk_token = ok(
            api.post("/api/v1/kiosk-tokens", json={"name": "cửa-1", "room": ROOM}), 201
        )
        now = datetime.now(timezone.utc)
        meeting = {
            "title": "Họp giao ban",
            "room": ROOM,
            "starts_at": (now - timedelta(minutes=5)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
        }
        meeting_id = ok(api.post("/api/v1/meetings", json=meeting), 201)["id"]
        roster = ids[:5]
        ok(api.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": roster}))
    return Room(meeting_id, roster, ids[5], kiosk_token["token"])


def kiosk_env(model_cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEND_")}
    env["ATTEND_MODELS__CACHE_DIR"] = str(model_cache)
    return env


def kiosk_command(
    server_url: str, token: str, source: Path, outbox: Path, *, listen: str = "0"
) -> list[str]:
    return [
        attendance_command(),
        "kiosk",
        "--server",
        server_url,
        "--token",
        token,
        "--source",
        str(source),
        "--outbox",
        str(outbox),
        "--name",
        "cua-1",
        "--listen",
        listen,
    ]


def outbox_states(outbox: Path) -> dict[str, int]:
    with sqlite3.connect(outbox) as db:
        rows = db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
    return {str(state): int(n) for state, n in rows}


def test_kiosk_checks_in_the_roster_from_a_video_once_each_and_nobody_else(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    server = start_server(database_url, TOKEN)
    room = set_up_room(server.url)
    meeting_id, roster, outsider = room.meeting_id, room.roster, room.outsider
    video = tmp_path / "walk-in.avi"
    walk_in_video(video)
    env = kiosk_env(model_cache)
    command = kiosk_command(server.url, room.kiosk_token, video, tmp_path / "outbox.sqlite")
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=KIOSK_SECONDS
    )
    (tmp_path / "kiosk-stderr.txt").write_text(done.stderr)
    assert done.returncode == 0, done.stderr[-3000:]
    assert arrivals(database_url, meeting_id) == sorted(roster), done.stderr[-3000:]
    assert outsider not in arrivals(database_url, meeting_id)
    assert outbox_states(tmp_path / "outbox.sqlite") == {"sent": 5}

    # The same video again: the outbox and the server both know these keys; nothing new.
    again = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=KIOSK_SECONDS
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert arrivals(database_url, meeting_id) == sorted(roster)
