"""How many image decodes run at once and the memory they hold together; freed memory back
to the OS."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)


class DecodeSlots:
    """At most `count` decodes at once, together holding at most `memory` bytes.

    A decode of 160 MB (40 megapixels of RGBA) then runs alone while small ones share; the
    per-image limit, checked before a decode asks for a slot, keeps each within `memory`.
    """

    def __init__(self, *, count: int, memory: int) -> None:
        self.count = count
        self.memory = memory
        self._changed = threading.Condition()
        self._running = 0
        self._held = 0
        self.most_running = 0  # the most seen at once, for tests and logs

    @contextmanager
    def hold(self, needed: int) -> Iterator[None]:
        needed = min(needed, self.memory)
        with self._changed:
            self._changed.wait_for(
                lambda: self._running < self.count and self._held + needed <= self.memory
            )
            self._running += 1
            self._held += needed
            self.most_running = max(self.most_running, self._running)
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._held -= needed
                self._changed.notify_all()


def return_freed_memory() -> None:
    """glibc keeps what a thread freed in that thread's arena: after eight 40-megapixel
    PNGs, decoded one at a time on the server's threads, it still held 1.5 GB
    (docs/benchmarks.md); malloc_trim hands the freed pages back. A no-op without glibc."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        logger.debug("no malloc_trim here: freed memory stays with the allocator")
        return None
    return trim
