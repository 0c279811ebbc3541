"""`attendance kiosk --frame-interval 0.5` (two frames a second) with the real models: a second
delegate stepping into the spot the first one left a second before is checked in too."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from e2e_server import StartServer
from test_kiosk_process import KIOSK_SECONDS, arrivals, kiosk_command, kiosk_env, set_up_room
from test_server_process import T1_PATH, TOKEN, ok

pytestmark = pytest.mark.slow


def head(t1: np.ndarray, box: list[float]) -> np.ndarray:
    """Head and shoulders around one face of t1, scaled to a 200 px wide patch."""
    x, y, w, h = (int(v) for v in box)
    crop = t1[max(0, y - h // 2) : y + h + h // 2, max(0, x - w // 2) : x + w + w // 2]
    return cv2.resize(crop, (200, round(200 * crop.shape[0] / crop.shape[1])))


def at_the_door(patch: np.ndarray) -> np.ndarray:
    frame = np.full((480, 640, 3), 90, np.uint8)
    height = min(patch.shape[0], 440)
    frame[20 : 20 + height, 220:420] = patch[:height]
    return frame


def test_a_second_delegate_in_the_same_spot_a_second_later_is_checked_in_at_two_fps(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    server = start_server(database_url, TOKEN)
    room = set_up_room(server.url)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    found = ok(
        httpx.post(
            f"{server.url}/api/v1/identify",
            files={"file": ("t1.jpg", T1_PATH.read_bytes())},
            headers=headers,
            timeout=60,
        )
    )
    boxes = sorted((f["box"] for f in found["faces"]), key=lambda box: box[0])
    t1 = cv2.imread(str(T1_PATH))
    first, second = head(t1, boxes[0]), head(t1, boxes[2])  # room.roster[0] and [2]
    frames = (
        [np.full((480, 640, 3), 90, np.uint8)] * 2
        + [at_the_door(first)] * 3  # 1.5 s: checked in
        + [np.full((480, 640, 3), 90, np.uint8)] * 2  # the spot empty for a second
        + [at_the_door(second)] * 4  # the next one, in the same place
        + [np.full((480, 640, 3), 90, np.uint8)] * 2
    )
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"{i:03d}.png"), frame)
    command = kiosk_command(server.url, room.kiosk_token, folder, tmp_path / "outbox.sqlite")
    done = subprocess.run(
        [*command, "--frame-interval", "0.5"],
        cwd=tmp_path,
        env=kiosk_env(model_cache),
        capture_output=True,
        text=True,
        timeout=KIOSK_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert arrivals(database_url, room.meeting_id) == sorted([room.roster[0], room.roster[2]]), (
        done.stderr[-3000:]
    )
