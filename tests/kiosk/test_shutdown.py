"""The kiosk's last step: a thread stuck in OpenCV at exit no longer aborts the process."""

from __future__ import annotations

import subprocess
import sys

# A daemon thread that never leaves OpenCV, as a camera read that hangs.
STUCK = """
import threading, time
import cv2, numpy as np
image = np.random.default_rng(1).integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
def encode():
    while True:
        cv2.imencode(".jpg", image)
threading.Thread(target=encode, name="kiosk-capture", daemon=True).start()
time.sleep(0.2)
"""


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_a_thread_stuck_in_opencv_aborts_a_plain_exit() -> None:
    # What the kiosk did 2 times in 7: the hazard this module is for.
    done = run(STUCK)
    assert done.returncode == -6 and "terminate called" in done.stderr, done


def test_exit_past_stuck_threads_ends_with_the_kiosks_status_and_says_which() -> None:
    code = STUCK + (
        "import logging\n"
        "logging.basicConfig(level=logging.INFO)\n"
        "from kiosk.shutdown import exit_past_stuck_threads\n"
        "exit_past_stuck_threads(3, grace_s=0.3)\n"
        "raise SystemExit(99)\n"
    )
    done = run(code)
    assert done.returncode == 3, done
    assert "terminate called" not in done.stderr
    assert "kiosk-capture" in done.stderr


def test_exit_past_stuck_threads_returns_when_threads_end_within_the_grace() -> None:
    # In a child: in this process another test's daemon thread would end pytest itself.
    code = (
        "import threading\n"
        "from kiosk.shutdown import exit_past_stuck_threads\n"
        "worker = threading.Thread(target=threading.Event().wait, args=(0.2,), daemon=True)\n"
        "worker.start()\n"
        "exit_past_stuck_threads(3, grace_s=5.0)\n"
        "assert not worker.is_alive()\n"
        "raise SystemExit(0)\n"
    )
    done = run(code)
    assert done.returncode == 0, done
