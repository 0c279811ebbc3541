"""Failed credentials are throttled per client address and kind: 429 with Retry-After."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, ORIGIN, create_meeting, from_address, post, sign_in

LIMIT = 10  # the default: ATTEND_THROTTLE__FAILURES
WINDOW = 60  # ATTEND_THROTTLE__WINDOW_SECONDS
BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


class Clock:
    """A monotonic clock the test moves by hand, so no test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_client(make_client: Callable[..., TestClient], clock: Clock) -> TestClient:
    return make_client(clock=clock)


def _statuses(attempts: int, call: Callable[[int], httpx.Response]) -> list[int]:
    """`call(i)` sends the i-th attempt: a guesser tries a different credential each time."""
    return [call(i).status_code for i in range(attempts)]


def _guess(i: int) -> dict[str, str]:
    return {"Authorization": f"Bearer not-the-token-{i}"}


def _assert_blocked(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert 0 < int(response.headers["retry-after"]) <= WINDOW


def test_wrong_bearer_tokens_are_refused_with_429_after_the_limit(
    app_client: TestClient, clock: Clock
) -> None:
    wrong = {"Authorization": "Bearer not-the-token"}
    statuses = _statuses(200, lambda i: app_client.get("/api/v1/people", headers=_guess(i)))
    assert statuses == [401] * LIMIT + [429] * (200 - LIMIT)
    blocked = app_client.get("/api/v1/people", headers=wrong)
    _assert_blocked(blocked)
    assert blocked.json()["reason"] == "TOO_MANY_ATTEMPTS"
    assert "thử lại sau" in blocked.json()["detail"] and "try again in" in blocked.json()["detail"]
    # While blocked even the right token is refused: a lucky guess must look like the rest.
    _assert_blocked(app_client.get("/api/v1/people", headers=BEARER))
    # Another address is not blocked, and the right token works there.
    assert from_address(app_client, "10.0.0.7").get("/api/v1/people", headers=BEARER).is_success
    clock.now += WINDOW
    assert app_client.get("/api/v1/people", headers=BEARER).status_code == 200


def test_requests_without_any_credential_are_not_counted(app_client: TestClient) -> None:
    assert set(_statuses(3 * LIMIT, lambda _i: app_client.get("/api/v1/people"))) == {401}
    assert app_client.get("/api/v1/people", headers=BEARER).status_code == 200


def test_a_blocked_kind_does_not_block_the_other_kinds(app_client: TestClient) -> None:
    wrong_link = {"Authorization": "Bearer vp_guessed"}
    statuses = _statuses(
        LIMIT + 1,
        lambda i: app_client.get("/api/v1/voter", headers={"Authorization": f"Bearer vp_g{i}"}),
    )
    assert statuses == [401] * LIMIT + [429]
    _assert_blocked(app_client.get("/api/v1/voter", headers=wrong_link))
    # Guessing voting links from this address does not lock its staff out of the API.
    assert app_client.get("/api/v1/people", headers=BEARER).status_code == 200


def test_wrong_session_cookies_are_throttled_on_the_api_and_the_pages(
    app_client: TestClient, clock: Clock
) -> None:
    def forged(i: int) -> httpx.Response:
        app_client.cookies.set("attend_session", f"forged-session-key-{i}")
        return app_client.get("/api/v1/people")

    statuses = _statuses(LIMIT, forged)
    assert statuses == [401] * LIMIT
    _assert_blocked(app_client.get("/api/v1/people"))
    page = app_client.get("/meetings", follow_redirects=False)
    _assert_blocked(page)
    assert "Quá nhiều lần thử" in page.text and "Too many failed attempts" in page.text
    clock.now += WINDOW
    assert app_client.get("/meetings", follow_redirects=False).status_code == 303  # sign in


def test_the_sign_in_form_is_throttled_and_says_so_in_both_languages(
    app_client: TestClient, clock: Clock
) -> None:
    form = {"token": "wrong-guess", "label": "", "next": "/meetings"}
    statuses = _statuses(
        LIMIT, lambda i: post(app_client, "/signin", {**form, "token": f"wrong-guess-{i}"})
    )
    assert statuses == [401] * LIMIT
    blocked = post(app_client, "/signin", {**form, "token": ADMIN_TOKEN})
    _assert_blocked(blocked)
    assert "Quá nhiều lần thử không đúng" in blocked.text and "Too many failed" in blocked.text
    assert "attend_session" not in blocked.headers.get("set-cookie", "")
    # A secretary at another desk signs in as usual.
    sign_in(from_address(app_client, "10.0.0.8"))
    clock.now += WINDOW
    sign_in(app_client)


def test_wrong_board_keys_are_throttled(app_client: TestClient, clock: Clock) -> None:
    sign_in(app_client)
    meeting_id = create_meeting(app_client, "Kỳ họp thứ 9")
    issued = post(app_client, f"/meetings/{meeting_id}/board-link", {})
    match = re.search(r'\?key=([^"]+)"', issued.text)
    assert match
    key = match.group(1)
    screen = from_address(app_client, "10.0.0.9")
    board = f"/board/{meeting_id}"
    statuses = _statuses(LIMIT, lambda i: screen.get(board, params={"key": f"bd_guess{i}"}))
    assert statuses == [403] * LIMIT
    _assert_blocked(screen.get(f"{board}/stream", params={"key": "bd_guess"}))
    _assert_blocked(screen.get(board, params={"key": key}))
    # The secretary's session from another address is a different kind and address.
    assert app_client.get(board, headers={"Origin": ORIGIN}).status_code == 200
    clock.now += WINDOW
    assert screen.get(board, params={"key": key}).status_code == 200


def test_the_window_slides_one_failure_at_a_time(app_client: TestClient, clock: Clock) -> None:
    for i in range(LIMIT):
        app_client.get("/api/v1/people", headers=_guess(i))
        clock.now += 1
    blocked = app_client.get("/api/v1/people", headers=_guess(LIMIT))
    _assert_blocked(blocked)
    assert blocked.headers["retry-after"] == str(WINDOW - LIMIT)
    clock.now += WINDOW - LIMIT  # the first failure has left the window: one more try
    assert app_client.get("/api/v1/people", headers=_guess(LIMIT)).status_code == 401
    _assert_blocked(app_client.get("/api/v1/people", headers=_guess(LIMIT + 1)))


def test_one_stale_token_retried_is_no_new_guess_and_locks_nobody_out(
    app_client: TestClient,
) -> None:
    # A kiosk left running with a revoked token retries it: its neighbours keep working.
    stale = {"Authorization": "Bearer revoked-kiosk-token"}
    assert set(_statuses(200, lambda _i: app_client.get("/api/v1/people", headers=stale))) == {401}
    assert app_client.get("/api/v1/people", headers=BEARER).status_code == 200
