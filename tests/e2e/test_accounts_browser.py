"""Signing in with a username and password in a real browser, against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-accounts-admin-token-0123456789"
PASSWORD = "mật khẩu dài đủ 10"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_a_secretary_signs_in_with_a_password_and_out_again(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    body = {"username": "thu.nt", "display_name": "Nguyễn Thị Thu", "role": "secretary"}
    made = api.post("/api/v1/accounts", json={**body, "password": PASSWORD})
    assert made.status_code == 201, made.text

    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/meetings")
    assert "/signin" in page.url
    # The admin token is folded away once accounts exist.
    assert not page.is_visible("input[name=token]")
    page.click("details.bootstrap summary")
    assert page.is_visible("input[name=token]")

    page.fill("input[name=username]", "thu.nt")
    page.fill("input[name=password]", "sai mật khẩu rồi")
    page.click("button.primary")
    page.wait_for_selector("p.flash.error")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.inner_text("p.flash.error")
    assert page.input_value("input[name=username]") == "thu.nt"

    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    assert "Nguyễn Thị Thu (thu.nt)" in page.inner_text("header")
    page.click("header a.who")
    page.wait_for_url("**/account")
    assert "Tài khoản của tôi" in page.inner_text("main")

    page.click("header form[action='/signout'] button")
    page.wait_for_url("**/signin")
    page.goto(f"{server.url}/meetings")
    assert "/signin" in page.url
    log = api.get("/api/v1/audit").json()["items"]
    actions = [entry["action"] for entry in log]
    assert {"sign_in_failed", "sign_in", "sign_out", "account_created"} <= set(actions)
