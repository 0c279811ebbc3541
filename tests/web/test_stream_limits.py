"""Sessions and board streams end with their credential; open streams are capped."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient
from web_support import ORIGIN, create_meeting, from_address, post, sign_in

from api.services import Services
from api.web.live import board_events
from attendance.settings import StreamSettings

NEW_TOKEN = "a-new-admin-token-9876543210"
RECHECK = 0.2  # seconds; the default is 5


def test_a_new_admin_token_at_restart_ends_the_old_sessions(
    make_client: Callable[..., TestClient],
) -> None:
    before = make_client()
    sign_in(before)
    old_key = before.cookies["attend_session"]
    again = make_client()  # a restart with the same token keeps the session
    again.cookies.set("attend_session", old_key)
    assert again.get("/meetings", follow_redirects=False).status_code == 200
    after = make_client(admin_token=NEW_TOKEN)  # a restart with a new one ends it
    after.cookies.set("attend_session", old_key)
    page = after.get("/meetings", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    assert after.get("/api/v1/people").status_code == 401
    fresh = after.post(
        "/signin",
        data={"token": NEW_TOKEN, "next": "/meetings"},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert fresh.status_code == 303
    assert after.get("/meetings", follow_redirects=False).status_code == 200


def test_the_stream_ends_once_its_credential_stops_holding() -> None:
    checks = iter([True, True, False])

    async def connected() -> bool:
        return False

    async def collect() -> list[str]:
        events = board_events(
            read_version=lambda: 1,
            read_snapshot=lambda: {"present": 0},
            is_disconnected=connected,
            still_allowed=lambda: next(checks),
            poll_seconds=0,
            lifetime_seconds=60,
            recheck_seconds=0,
        )
        return [event async for event in events]

    events = asyncio.run(asyncio.wait_for(collect(), timeout=5))
    assert events[0].startswith("retry:") and events[1].startswith("data:")


class Stream:
    """A board stream read in a thread: the test client returns only once it has ended."""

    def __init__(self, client: TestClient, url: str, **params: str) -> None:
        self.response: httpx.Response | None = None
        self.ended_at = 0.0
        self.thread = threading.Thread(target=self._run, args=(client, url, params), daemon=True)
        self.thread.start()

    def _run(self, client: TestClient, url: str, params: dict[str, str]) -> None:
        self.response = client.get(url, params=params)
        self.ended_at = time.monotonic()

    def wait(self, timeout: float) -> httpx.Response:
        self.thread.join(timeout)
        assert self.response is not None, "the stream is still open"
        return self.response


def _services(client: TestClient) -> Services:
    services: Services = client.app_state["services"]
    return services


def _wait_for_streams(client: TestClient, count: int) -> None:
    deadline = time.monotonic() + 5
    while _services(client).streams.open_count() != count:
        assert time.monotonic() < deadline, "streams did not open or close in time"
        time.sleep(0.02)


def _board_link(client: TestClient, meeting_id: int) -> str:
    issued = post(client, f"/meetings/{meeting_id}/board-link", {})
    match = re.search(r'\?key=([^"]+)"', issued.text)
    assert match
    return match.group(1)


def test_a_replaced_board_link_ends_its_open_stream_within_seconds(
    make_client: Callable[..., TestClient],
) -> None:
    secretary = make_client(streams=StreamSettings(recheck_seconds=RECHECK))
    sign_in(secretary)
    meeting_id = create_meeting(secretary, "Kỳ họp thứ 9")
    key = _board_link(secretary, meeting_id)
    screen = from_address(secretary, "10.0.0.20")
    stream = Stream(screen, f"/board/{meeting_id}/stream", key=key)
    _wait_for_streams(secretary, 1)
    replaced_at = time.monotonic()
    _board_link(secretary, meeting_id)
    response = stream.wait(timeout=10)
    assert response.status_code == 200 and "data: " in response.text
    assert stream.ended_at - replaced_at < 10 * RECHECK + 1
    _wait_for_streams(secretary, 0)  # its slot is free again


def test_a_signed_out_session_ends_its_open_stream(make_client: Callable[..., TestClient]) -> None:
    secretary = make_client(streams=StreamSettings(recheck_seconds=RECHECK))
    sign_in(secretary)
    meeting_id = create_meeting(secretary, "Kỳ họp thứ 9")
    watcher = from_address(secretary, "10.0.0.21")
    watcher.cookies.set("attend_session", secretary.cookies["attend_session"])
    stream = Stream(watcher, f"/board/{meeting_id}/stream")
    _wait_for_streams(secretary, 1)
    assert post(secretary, "/signout", {}).status_code == 303
    assert stream.wait(timeout=10).status_code == 200
    _wait_for_streams(secretary, 0)


def test_streams_are_capped_per_link_and_in_all_and_a_slot_frees_when_one_ends(
    make_client: Callable[..., TestClient],
) -> None:
    caps = StreamSettings(per_key=1, total=2, recheck_seconds=RECHECK)
    secretary = make_client(streams=caps)
    sign_in(secretary)
    meeting_id = create_meeting(secretary, "Kỳ họp thứ 9")
    url = f"/board/{meeting_id}/stream"
    key = _board_link(secretary, meeting_id)
    screen = from_address(secretary, "10.0.0.22")
    first = Stream(screen, url, key=key)
    _wait_for_streams(secretary, 1)
    refused = screen.get(url, params={"key": key})
    assert refused.status_code == 429 and refused.headers["retry-after"]
    assert "luồng" in refused.text and "live streams" in refused.text
    other = create_meeting(secretary, "Giao ban")
    second = Stream(screen, f"/board/{other}/stream", key=_board_link(secretary, other))
    _wait_for_streams(secretary, 2)
    busy = secretary.get(url)  # the secretary's own session: a third stream in all
    assert busy.status_code == 503 and busy.headers["retry-after"]
    new_key = _board_link(secretary, meeting_id)  # ends the first stream
    first.wait(timeout=10)
    _wait_for_streams(secretary, 1)
    third = Stream(screen, url, key=new_key)  # its slot is free again
    _wait_for_streams(secretary, 2)
    _board_link(secretary, meeting_id)
    _board_link(secretary, other)
    third.wait(timeout=10)
    second.wait(timeout=10)
