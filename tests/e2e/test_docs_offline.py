"""/docs and /redoc render in a browser that can reach nothing but the server itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from browser_support import launch_chromium, wait_until
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-docs-admin-token-0123456789"
LOCAL = frozenset({"127.0.0.1", "localhost", "::1"})
NO_DNS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"
# ReDoc's menu always shows Redocly's logo from its CDN; the docs' CSP keeps it from loading
# (api/headers.py), and the page does without it.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # No DNS either: a name other than localhost resolves to nothing.
    yield from launch_chromium((NO_DNS,))


class OfflinePage:
    """A page whose every request to another host is aborted and remembered, with the
    console's complaints (a CSP refusal shows there)."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(locale="en-US")
        self.left: list[str] = []
        self.refused: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.page.on("console", self._console)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname in LOCAL:
            route.continue_()
        else:
            self.left.append(url)
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.refused.append(message.text)


def test_swagger_ui_and_redoc_render_with_no_network(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    paths = httpx.get(f"{server.url}/openapi.json").json()["paths"]
    operations = sum(len(methods) for methods in paths.values())
    offline = OfflinePage(browser)
    page = offline.page

    page.goto(f"{server.url}/docs")
    page.wait_for_selector(".opblock")
    wait_until(page, f"document.querySelectorAll('.opblock').length == {operations}", 10)
    assert "/api/v1/meetings/{meeting_id}/checkins" in page.inner_text("#swagger-ui")
    assert "Attendance" in page.inner_text(".info .title")

    page.goto(f"{server.url}/redoc")
    page.wait_for_selector("h1")
    assert "Attendance" in page.inner_text("h1")
    sections = "document.querySelectorAll('[data-section-id^=\"operation/\"]').length"
    wait_until(page, f"{sections} == {operations}", 10)
    assert "/api/v1/meetings/{meeting_id}/checkins" in page.inner_text("body")

    assert offline.left == [], offline.left
    assert [m for m in offline.refused if REDOCLY_LOGO not in m] == [], offline.refused
    offline.context.close()
