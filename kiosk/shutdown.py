"""The kiosk process's last step: an exit that no thread stuck in native code can abort."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

logger = logging.getLogger(__name__)

# How long the threads still running when the kiosk has stopped get to end by themselves.
GRACE_S = 3.0


def exit_past_stuck_threads(status: int, *, grace_s: float = GRACE_S) -> None:
    """Return when no daemon thread is left; otherwise end the process now with `status`.

    The kiosk joins its own threads with time limits, so one can outlive it: a camera read
    stuck inside OpenCV or FFmpeg. Python ends such a thread at exit with pthread_exit, whose
    unwinding through C++ code aborts the process ("terminate called without an active
    exception", status 134) although the kiosk's work is done and its outbox closed.
    """
    deadline = time.monotonic() + grace_s
    others = [t for t in threading.enumerate() if t.daemon and t is not threading.current_thread()]
    for thread in others:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = sorted(t.name for t in others if t.is_alive())
    if not stuck:
        return
    logger.warning(
        "threads still running after %.0f s (%s): the process ends without them",
        grace_s,
        ", ".join(stuck),
    )
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
