"""Wrong passwords are throttled per username from any address, and per address across
usernames: 429 with Retry-After on the sign-in page and on HTTP Basic for tokens."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from web_support import ADMIN_TOKEN, from_address, post

PASSWORD = "mật khẩu dài đủ 10"
BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_client(make_client: Callable[..., TestClient], clock: Clock) -> TestClient:
    client = make_client(clock=clock)
    for username in ("thu.nt", "lan.pt"):
        body = {"username": username, "role": "secretary", "password": PASSWORD}
        assert client.post("/api/v1/accounts", json=body, headers=BEARER).status_code == 201
    return client


def sign_in_as(client: TestClient, username: str, password: str) -> httpx.Response:
    return post(client, "/signin", {"username": username, "password": password})


def basic(client: TestClient, username: str, password: str) -> httpx.Response:
    return client.post("/api/v1/tokens", auth=httpx.BasicAuth(username, password))


def test_five_wrong_passwords_lock_the_username_from_every_address(
    app_client: TestClient, clock: Clock
) -> None:
    statuses = [
        sign_in_as(from_address(app_client, f"10.0.0.{i}"), "thu.nt", f"sai {i}").status_code
        for i in range(5)
    ]
    assert statuses == [401] * 5
    fresh = from_address(app_client, "10.9.9.9")
    locked = sign_in_as(fresh, "thu.nt", PASSWORD)  # even the right password, from elsewhere
    assert locked.status_code == 429 and locked.headers["retry-after"] == "60"
    assert "thử lại sau 60 giây" in locked.text
    over_basic = basic(fresh, "thu.nt", PASSWORD)
    assert over_basic.status_code == 429 and over_basic.json()["reason"] == "ACCOUNT_LOCKED"
    assert over_basic.headers["retry-after"] == "60"
    assert sign_in_as(fresh, "lan.pt", PASSWORD).status_code == 303  # another account
    clock.now += 60
    assert sign_in_as(fresh, "thu.nt", PASSWORD).status_code == 303


def test_wrong_passwords_over_basic_count_toward_the_lock(
    app_client: TestClient, clock: Clock
) -> None:
    for i in range(5):
        assert basic(from_address(app_client, f"10.0.1.{i}"), "thu.nt", f"x{i}").status_code == 401
    assert sign_in_as(from_address(app_client, "10.0.1.99"), "thu.nt", PASSWORD).status_code == 429
    log = app_client.get("/api/v1/audit", params={"action": "sign_in_failed"}, headers=BEARER)
    assert log.json()["total"] == 5  # the wrong passwords; refusals while locked write nothing


def test_one_address_trying_many_usernames_is_blocked(app_client: TestClient) -> None:
    guesser = from_address(app_client, "10.0.2.1")
    statuses = [sign_in_as(guesser, f"user{i}", "đoán mò mãi thôi").status_code for i in range(12)]
    assert statuses == [401] * 10 + [429] * 2  # the address limit (10), no username locked
    blocked = sign_in_as(guesser, "lan.pt", PASSWORD)
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert sign_in_as(from_address(app_client, "10.0.2.2"), "lan.pt", PASSWORD).status_code == 303


def test_a_password_reset_on_the_command_line_lifts_the_lock(
    app_client: TestClient, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from pathlib import Path

    from api.cli import app
    from attendance.settings import get_settings

    for i in range(5):
        sign_in_as(from_address(app_client, f"10.0.3.{i}"), "thu.nt", f"sai {i}")
    assert sign_in_as(app_client, "thu.nt", PASSWORD).status_code == 429
    secret = Path(str(tmp_path)) / "password.txt"
    secret.write_text("một mật khẩu mới\n", encoding="utf-8")
    monkeypatch.setenv("ATTEND_DB_URL", database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["admin", "reset-password", "thu.nt", "--password-file", str(secret)]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert sign_in_as(app_client, "thu.nt", "một mật khẩu mới").status_code == 303
