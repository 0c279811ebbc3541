"""`attendance kiosk` on a short folder exits 0 every time, even while its screen is watched.

A thread still inside OpenCV (a /frame.jpg being encoded for the screen) when the interpreter
exits is ended by Python with pthread_exit, whose unwinding through OpenCV's C++ aborts the
process: "terminate called without an active exception", status 134.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from e2e_server import StartServer, free_port
from test_kiosk_process import KIOSK_SECONDS, kiosk_command, kiosk_env, set_up_room
from test_server_process import TOKEN

pytestmark = pytest.mark.slow

RUNS = 3
FRAMES = 6
WATCHERS = 3  # browsers polling the screen's picture


def noisy_folder(folder: Path) -> Path:
    """Full-HD frames of noise: each /frame.jpg takes OpenCV tens of milliseconds to encode."""
    folder.mkdir()
    rng = np.random.default_rng(7)
    for i in range(FRAMES):
        image = rng.integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
        cv2.imwrite(str(folder / f"{i:03d}.jpg"), image)
    return folder


def watch(url: str, stop: threading.Event) -> None:
    with httpx.Client(timeout=5) as http:
        while not stop.is_set():
            try:
                http.get(url)
            except httpx.HTTPError:
                stop.wait(0.01)


def test_a_kiosk_whose_input_ends_exits_zero_every_time_while_its_screen_is_watched(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    server = start_server(database_url, TOKEN)
    room = set_up_room(server.url)
    folder = noisy_folder(tmp_path / "frames")
    statuses = []
    for run in range(RUNS):
        port = free_port()
        command = kiosk_command(
            server.url,
            room.kiosk_token,
            folder,
            tmp_path / "outbox.sqlite",
            listen=f"127.0.0.1:{port}",
        )
        stop = threading.Event()
        watchers = [
            threading.Thread(target=watch, args=(f"http://127.0.0.1:{port}/frame.jpg", stop))
            for _ in range(WATCHERS)
        ]
        for watcher in watchers:
            watcher.start()
        try:
            done = subprocess.run(
                [*command, "--frame-interval", "0.3"],
                cwd=tmp_path,
                env=kiosk_env(model_cache),
                capture_output=True,
                text=True,
                timeout=KIOSK_SECONDS,
            )
        finally:
            stop.set()
            for watcher in watchers:
                watcher.join(timeout=10)
        (tmp_path / f"kiosk-{run}-stderr.txt").write_text(done.stderr)
        assert "end of input" in done.stderr, done.stderr[-3000:]
        statuses.append(done.returncode)
        assert "terminate called" not in done.stderr, (statuses, done.stderr[-2000:])
        # Every thread ended by itself: the last-resort exit (kiosk.shutdown) was not needed.
        assert "threads still running" not in done.stderr, done.stderr[-2000:]
    assert statuses == [0] * RUNS
