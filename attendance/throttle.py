"""Failed credentials counted per client address and kind, and a cap on open streams.

`Throttle` counts in this process's memory (the rules, and tests of them); the server counts
in the database with the same rules (attendance/shared_throttle.py), so that N workers
refuse together. Stream slots stay per process: they bound this process's own load.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import threading
import time
from collections.abc import Callable

from attendance.errors import Busy, TooManyAttempts

Clock = Callable[[], float]

# The kinds of credential counted apart: guessing board keys does not lock out sign-in.
SIGN_IN = "sign_in"
TOKEN = "token"
VOTING_LINK = "voting_link"
BOARD_KEY = "board_key"
SESSION = "session"

# Enough for every address of a large campus at once; past it the oldest are forgotten,
# so a flood of spoofed sources cannot grow the memory without bound.
MAX_TRACKED = 50_000


def too_many_attempts(wait: int) -> TooManyAttempts:
    """The refusal while an address is blocked for a kind of credential (429)."""
    return TooManyAttempts(
        f"Quá nhiều lần thử không đúng; hãy thử lại sau {wait} giây. "
        f"Too many failed attempts; try again in {wait} seconds.",
        retry_after=wait,
    )


def credential_digest(credential: str) -> str:
    return hashlib.sha256(credential.encode("utf-8")).hexdigest()


class Throttle:
    """A sliding window of failures per (client address, credential kind).

    Once `failures` different wrong credentials have failed within `window_seconds`, every
    attempt of that kind from that address is refused, a correct one too (otherwise the
    answer to a lucky guess would tell it apart), until the oldest failure leaves the
    window. The same wrong credential again is no new guess: a kiosk retrying a revoked
    token, or a bookmark with an old link, does not lock out the others behind its address.
    Successes are not counted and do not clear the count.
    """

    def __init__(
        self,
        *,
        failures: int = 10,
        window_seconds: float = 60,
        clock: Clock = time.monotonic,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.failures = failures
        self.window = window_seconds
        self.clock = clock
        self.max_tracked = max_tracked
        # Per (address, kind): when each different wrong credential last failed.
        self._seen: dict[tuple[str, str], dict[str, float]] = {}
        self._lock = threading.Lock()
        self._unnamed = itertools.count()

    def check(self, *, client: str, kind: str, session: object = None) -> None:
        """Raises TooManyAttempts while this address is blocked for this kind (`session`:
        unused here; the database-backed throttle reads with it)."""
        now = self.clock()
        with self._lock:
            recent = self._recent((client, kind), now)
            if recent is None or len(recent) < self.failures:
                return
            wait = math.ceil(min(recent.values()) + self.window - now)
        raise too_many_attempts(wait)

    def failed(self, *, client: str, kind: str, credential: str | None = None) -> None:
        """Count a failure; `credential` (what was presented) makes a repeat no new guess."""
        now = self.clock()
        # Unnamed failures are each a guess of their own.
        named = credential if credential is not None else f"unnamed:{next(self._unnamed)}"
        digest = credential_digest(named)
        with self._lock:
            key = (client, kind)
            recent = self._recent(key, now)
            if recent is None:
                if len(self._seen) >= self.max_tracked:
                    self._forget(now)
                recent = self._seen[key] = {}
            recent.pop(digest, None)
            recent[digest] = now
            while len(recent) > self.failures:  # enough to block: the oldest may go
                del recent[next(iter(recent))]

    def _recent(self, key: tuple[str, str], now: float) -> dict[str, float] | None:
        recent = self._seen.get(key)
        if recent is None:
            return None
        for digest in [d for d, at in recent.items() if at <= now - self.window]:
            del recent[digest]
        if not recent:
            del self._seen[key]
            return None
        return recent

    def _forget(self, now: float) -> None:
        for key in list(self._seen):
            self._recent(key, now)
        while len(self._seen) >= self.max_tracked:
            del self._seen[next(iter(self._seen))]  # the longest-tracked first


class StreamSlots:
    """Open event streams, at most `per_key` on one credential and `total` in all.

    Every open stream holds a worker polling the database; without a cap one board link
    opened in many tabs (or by a script) slows every other request down.
    """

    def __init__(self, *, per_key: int = 5, total: int = 100) -> None:
        self.per_key = per_key
        self.total = total
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, credential: str) -> StreamSlot:
        key = hashlib.sha256(credential.encode("utf-8")).hexdigest()
        with self._lock:
            if self._open.get(key, 0) >= self.per_key:
                raise TooManyAttempts(
                    f"Đã mở quá {self.per_key} luồng trực tiếp bằng liên kết này; "
                    "hãy đóng bớt các trang đang mở. "
                    f"More than {self.per_key} live streams are open with this link; "
                    "close some of the open pages.",
                    retry_after=5,
                    code="TOO_MANY_STREAMS",
                )
            if sum(self._open.values()) >= self.total:
                raise Busy(
                    "Máy chủ đang phục vụ quá nhiều màn hình trực tiếp; hãy thử lại sau. "
                    "The server is serving too many live screens; try again later.",
                    retry_after=10,
                    code="STREAMS_FULL",
                )
            self._open[key] = self._open.get(key, 0) + 1
        return StreamSlot(self, key)

    def open_count(self, credential: str | None = None) -> int:
        with self._lock:
            if credential is None:
                return sum(self._open.values())
            return self._open.get(hashlib.sha256(credential.encode("utf-8")).hexdigest(), 0)

    def _release(self, key: str) -> None:
        with self._lock:
            left = self._open.get(key, 0) - 1
            if left > 0:
                self._open[key] = left
            else:
                self._open.pop(key, None)


class StreamSlot:
    """One stream's place; `release` is safe to call more than once."""

    def __init__(self, slots: StreamSlots, key: str) -> None:
        self._slots = slots
        self._key: str | None = key

    def release(self) -> None:
        if self._key is not None:
            key, self._key = self._key, None
            self._slots._release(key)
