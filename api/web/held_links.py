"""Voting links a page has just issued, held briefly so the page can show them once after a
redirect: a reload then shows the page again, not a second form post issuing another link."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

from markupsafe import Markup

from api.link_reach import UnreachableLink

# The redirect follows at once; the rest is how long a reload still says "shown once".
TTL_SECONDS = 600.0
# Entries held at once; the oldest go first (a lost tab's). Each is a few kilobytes (the QR).
MAX_ENTRIES = 500


@dataclass(frozen=True)
class IssuedLink:
    url: str
    qr: Markup
    # Shown with the link when phones cannot open it (_link_reach.html).
    reach: UnreachableLink | None = None


@dataclass(frozen=True)
class HeldLink:
    """Whose link it is, and the link itself until it has been shown once."""

    meeting_id: int
    person_id: int
    name: str
    title: str | None
    unit: str | None
    link: IssuedLink | None  # None: shown already, or none issued (`earlier`)
    checked_in: bool = False  # issued by a check-in (manual, review confirm), not on request
    earlier: bool = False  # a check-in that issued none: the link issued before still works
    shown: bool = False  # the link was shown once and is not shown again


@dataclass(frozen=True)
class _Entry:
    held: HeldLink
    owner: str  # only the sign-in that issued it sees it (`owner_of`)
    expires: float


class HeldLinks:
    """An in-memory, bounded, expiring store keyed by a random key that goes in the address.

    The key is not the link: it opens nothing by itself, only for the staff member who issued
    it, and the link behind it is handed out once. In memory only: after a restart, or on
    another worker, the page says the link is no longer shown (issue a new one)."""

    def __init__(self, *, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, held: HeldLink, *, owner: str) -> str:
        key = secrets.token_urlsafe(18)
        with self._lock:
            now = time.monotonic()
            self._expire(now)
            self._entries[key] = _Entry(held, owner, now + self.ttl)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return key

    def take(self, key: str, *, owner: str, meeting_id: int) -> HeldLink | None:
        """The held link, its link given out this once (later: `shown`, without the link);
        None when unknown, expired, another meeting's or another sign-in's."""
        with self._lock:
            self._expire(time.monotonic())
            entry = self._entries.get(key)
            if entry is None or entry.owner != owner:
                return None
            held = entry.held
            if held.meeting_id != meeting_id:
                return None
            if held.link is not None:
                spent = replace(held, link=None, shown=True)
                self._entries[key] = replace(entry, held=spent)
            return held

    def _expire(self, now: float) -> None:
        for key in [k for k, e in self._entries.items() if e.expires <= now]:
            del self._entries[key]
