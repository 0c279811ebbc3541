"""Security headers on every answer, no inline script for the CSP to block, allowed hosts,
the same-origin check with its scheme, and board keys kept out of sign-in addresses."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, ORIGIN, create_meeting, post

from api.headers import host_allowed
from api.web.render import HERE
from attendance.settings import Settings

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.mark.parametrize(
    "url", ["/meetings", "/signin", "/vote", "/api/v1/people", "/static/app.css", "/nowhere"]
)
def test_every_answer_carries_the_security_headers(client: TestClient, url: str) -> None:
    response = client.get(url, headers=BEARER, follow_redirects=False)
    csp = response.headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ):
        assert directive in csp, (url, directive)
    assert "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    # Which worker answered (attendance serve --workers N): this process, in the test.
    assert response.headers["x-attendance-worker"] == str(os.getpid())
    assert response.headers["referrer-policy"] in ("same-origin", "no-referrer")


class InlineCode(HTMLParser):
    """What a strict CSP would block: inline scripts, on... handlers, style attributes or
    elements, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


def _inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("template", sorted(p.name for p in (HERE / "templates").glob("*.html")))
def test_no_template_has_inline_code_the_csp_would_block(template: str) -> None:
    source = (HERE / "templates" / template).read_text(encoding="utf-8")
    source = re.sub(r"\{[{%#].*?[}%#]\}", "", source, flags=re.S)  # Jinja tags, not HTML
    assert _inline_code(source) == []


def test_the_voting_page_runs_only_its_static_script(client: TestClient) -> None:
    for lang in ("vi", "en"):
        html = client.get("/vote", params={"lang": lang}).text
        assert _inline_code(html) == []
        assert '<script src="/static/vote.js">' in html
    assert client.get("/static/vote.js").status_code == 200
    assert client.get("/static/app.js").status_code == 200


class Loads(HTMLParser):
    """Every address a page loads from: script src, link href, the spec of ReDoc."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for attr in ("src", "href", "spec-url", "data-openapi-url"):
            if names.get(attr):
                self.urls.append(names[attr] or "")


@pytest.mark.parametrize("url", ["/docs", "/redoc"])
def test_the_api_docs_load_only_this_servers_files(anonymous: TestClient, url: str) -> None:
    page = anonymous.get(url)
    assert page.status_code == 200
    assert _inline_code(page.text) == []
    loads = Loads()
    loads.feed(page.text)
    assert loads.urls and all(u.startswith("/") and not u.startswith("//") for u in loads.urls)
    for address in loads.urls:
        assert anonymous.get(address).status_code == 200, address
    csp = page.headers["content-security-policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    assert "http" not in csp


def test_the_tally_bars_need_no_style_attribute(client: TestClient) -> None:
    # The bars are drawn with SVG attributes; a style attribute would be blocked.
    source = (HERE / "templates" / "_poll_counts.html").read_text(encoding="utf-8")
    assert "style=" not in source and "<rect width=" in source


def test_a_cross_scheme_origin_is_refused(client: TestClient) -> None:
    response = client.post(
        "/meetings", data={"title": "x"}, headers={"Origin": "https://testserver"}
    )
    assert response.status_code == 403 and "did not come from this site" in response.text
    refused = client.post(
        "/signout", headers={"Referer": "https://testserver/meetings"}, follow_redirects=False
    )
    assert refused.status_code == 403
    assert post(client, "/signout", {}).status_code == 303  # http://testserver, as served


def test_behind_a_tls_proxy_the_public_url_decides_the_scheme(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(public_url="https://testserver")
    signin = {"token": ADMIN_TOKEN, "next": "/meetings"}
    plain = client.post("/signin", data=signin, headers={"Origin": ORIGIN}, follow_redirects=False)
    assert plain.status_code == 403
    tls = {"Origin": "https://testserver"}
    assert (
        client.post("/signin", data=signin, headers=tls, follow_redirects=False).status_code == 303
    )


def test_a_broken_origin_is_refused_not_an_error(client: TestClient) -> None:
    response = client.post("/signout", headers={"Origin": "http://[::1"}, follow_redirects=False)
    assert response.status_code == 403


@pytest.mark.parametrize("host", ["evil.example", "testserver.evil.example", "[::1", ""])
def test_a_request_for_another_host_is_refused_with_400(client: TestClient, host: str) -> None:
    response = client.get("/healthz", headers={"Host": host})
    assert response.status_code == 400
    assert response.json()["reason"] == "BAD_HOST"
    assert "ATTEND_ALLOWED_HOSTS" in response.json()["detail"]
    assert response.headers["x-frame-options"] == "DENY"


def test_the_default_allowed_hosts_are_localhost_the_public_url_and_the_listen_host() -> None:
    settings = Settings(host="10.0.0.5", public_url="https://diemdanh.example.vn/")
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "10.0.0.5:8000"):
        assert host_allowed(host, settings), host
    assert host_allowed("DiemDanh.Example.VN", settings)
    assert not host_allowed("10.0.0.6:8000", settings)
    assert not host_allowed("evil.example", settings)
    # Listening on every interface: any address, but still no other name.
    everywhere = Settings(host="0.0.0.0")
    assert host_allowed("192.168.1.20:8000", everywhere)
    assert not host_allowed("rebind.evil.example:8000", everywhere)
    listed = Settings(allowed_hosts="diemdanh.local, 10.0.0.5")  # type: ignore[arg-type]
    assert host_allowed("diemdanh.local:8000", listed) and not host_allowed("localhost", listed)
    assert host_allowed("anything.example", Settings(allowed_hosts="*"))  # type: ignore[arg-type]


def test_the_sign_in_address_never_carries_a_board_key(anonymous: TestClient) -> None:
    redirect = anonymous.get("/board/1", params={"key": "", "lang": "en"}, follow_redirects=False)
    assert redirect.status_code == 303
    target = parse_qs(urlsplit(redirect.headers["location"]).query)["next"][0]
    assert target == "/board/1?lang=en"
    page = anonymous.get("/signin", params={"next": "/board/1?key=bd_secret&lang=en"})
    assert 'name="next" value="/board/1?lang=en"' in page.text


def test_a_backslash_next_is_not_an_open_redirect(client: TestClient) -> None:
    page = client.get("/signin", params={"next": "/\\evil.example"})
    assert 'name="next" value="/meetings"' in page.text


def test_a_static_file_and_a_board_link_page_keep_their_headers(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    issued = post(client, f"/meetings/{meeting_id}/board-link", {})
    assert issued.headers["cache-control"] == "no-store"
    assert issued.headers["referrer-policy"] == "same-origin"
    script = client.get("/static/board.js")
    assert script.headers["x-content-type-options"] == "nosniff"
