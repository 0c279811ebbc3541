"""Server-sent events for the live board: poll the database cheaply, send on change.

Polling the database (not an in-process signal) is what lets the board follow check-ins
written by any worker, or by another server sharing the same PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from attendance.board import BoardSnapshot
from attendance.throttle import StreamSlot

POLL_SECONDS = 0.5  # a check-in shows within this, well inside the two seconds promised
KEEPALIVE_SECONDS = 15  # a comment line keeps proxies from closing a quiet stream
# A stream ends after this and the browser reconnects (EventSource does it by itself): no
# stream outlives a server shutdown by long, and a board left open picks up new code.
LIFETIME_SECONDS = 300
# How often a stream checks that its board link or session still holds (ATTEND_STREAMS__...).
RECHECK_SECONDS = 5.0


def snapshot_json(snapshot: BoardSnapshot, zone: Any) -> dict[str, object]:
    return {
        "title": snapshot.meeting.title,
        "room": snapshot.meeting.room or "",
        "starts": snapshot.meeting.starts_at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
        "expected": snapshot.expected,
        "present": snapshot.present,
        "late": snapshot.late,
        "absent": snapshot.absent,
        "not_arrived": snapshot.not_arrived,
        "started": snapshot.started,
        "left": snapshot.left,
        "latest": [
            {
                "full_name": a.full_name,
                "title": a.title,
                "unit": a.unit,
                "at": a.at.astimezone(zone).isoformat(),
                # Shown as the server's zone has it, whatever the screen's computer thinks.
                "clock": a.at.astimezone(zone).strftime("%H:%M"),
                "late": a.late,
                "left": a.left,
            }
            for a in snapshot.latest
        ],
    }


async def board_events(
    *,
    read_version: Callable[[], object],
    read_snapshot: Callable[[], dict[str, object]],
    is_disconnected: Callable[[], Awaitable[bool]],
    still_allowed: Callable[[], bool] = lambda: True,
    poll_seconds: float = POLL_SECONDS,
    lifetime_seconds: float = LIFETIME_SECONDS,
    recheck_seconds: float = RECHECK_SECONDS,
) -> AsyncIterator[str]:
    """The first event at once, then one whenever the version changes. The stream ends
    within `recheck_seconds` of its credential (board link, session) ceasing to hold."""
    yield "retry: 1000\n\n"
    started = last_sent = checked = time.monotonic()
    last: object = None
    while time.monotonic() - started < lifetime_seconds:
        if await is_disconnected():
            return
        if time.monotonic() - checked >= recheck_seconds:
            checked = time.monotonic()
            if not await run_in_threadpool(still_allowed):
                # The browser reconnects, is refused, and the board says it is offline.
                return
        version = await run_in_threadpool(read_version)
        now = time.monotonic()
        if version != last:
            data = await run_in_threadpool(read_snapshot)
            last, last_sent = version, now
            yield f"data: {json.dumps(data, ensure_ascii=False)}\n\n"
        elif now - last_sent > KEEPALIVE_SECONDS:
            last_sent = now
            yield ": keep-alive\n\n"
        await asyncio.sleep(poll_seconds)


class SlotStream(StreamingResponse):
    """An event stream that holds one of the server's stream slots until it ends, however
    it ends (finished, refused, the screen gone, the server stopping)."""

    def __init__(self, content: AsyncIterator[str], *, slot: StreamSlot, **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.slot = slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.slot.release()
