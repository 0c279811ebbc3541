"""Photos with several faces, held briefly while a secretary clicks the one to enroll."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

# Long enough to look at the faces and click one; the photo is forgotten after, or once used.
TTL_SECONDS = 600.0
# Photos held at once, in bytes; the oldest go first (another worker's, or a lost tab's).
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class PendingPhoto:
    person_id: int
    data: bytes
    name: str | None
    expires: float


class PendingPhotos:
    """An in-memory, bounded, expiring store of uploads keyed by a random token.

    In memory only: a server restart or another worker does not know the token, and the
    page then asks for the photo again. Face photos are never written to disk here."""

    def __init__(self, *, ttl: float = TTL_SECONDS, max_bytes: int = MAX_BYTES) -> None:
        self.ttl = ttl
        self.max_bytes = max_bytes
        self._photos: OrderedDict[str, PendingPhoto] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, *, person_id: int, data: bytes, name: str | None) -> str:
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._expire(time.monotonic())
            self._photos[token] = PendingPhoto(person_id, data, name, time.monotonic() + self.ttl)
            while sum(len(p.data) for p in self._photos.values()) > self.max_bytes:
                self._photos.popitem(last=False)
        return token

    def get(self, token: str, *, person_id: int) -> PendingPhoto | None:
        """The photo; None if unknown, expired, or another person's. It stays until
        forgotten (enrolled) or expired: a face clicked may be refused, and another tried."""
        with self._lock:
            self._expire(time.monotonic())
            photo = self._photos.get(token)
            return photo if photo is not None and photo.person_id == person_id else None

    def forget(self, token: str) -> None:
        with self._lock:
            self._photos.pop(token, None)

    def expire(self) -> int:
        """Drop the photos past their time (the retention job calls it); how many went."""
        with self._lock:
            return self._expire(time.monotonic())

    def _expire(self, now: float) -> int:
        expired = [t for t, p in self._photos.items() if p.expires <= now]
        for token in expired:
            del self._photos[token]
        return len(expired)
