"""At most N whole-photo analyses (every face detected and embedded) at once, server-wide;
one more waits a moment, then is refused with 429 and Retry-After rather than queueing
until the server runs out of memory."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from attendance.errors import Busy

logger = logging.getLogger(__name__)


class AnalysisSlots:
    """`count` slots; `hold()` waits up to `wait_seconds` for one, else raises Busy."""

    def __init__(self, *, count: int, wait_seconds: float) -> None:
        self.count = count
        self.wait_seconds = wait_seconds
        self._slots = threading.BoundedSemaphore(count)

    @contextmanager
    def hold(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.wait_seconds):
            logger.warning("photo analysis refused: %d already running", self.count)
            raise Busy(
                "Máy chủ đang phân tích ảnh khác; hãy gửi lại ảnh sau ít giây. "
                "The server is analysing other photos; send the photo again in a few seconds.",
                retry_after=10,
                code="TOO_MANY_ANALYSES",
            )
        try:
            yield
        finally:
            self._slots.release()
