"""A NUL character in a search, a sign-in name, a room or a URL is the caller's input, never
a server error: PostgreSQL's driver refuses any text holding one, and the answer is a 4xx
(422 INVALID_TEXT there) with nothing written, on either backend."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import query
from fastapi.testclient import TestClient

NUL = "An\x00 Bình"
WEBHOOK = {"events": ["late"], "secret": "x" * 16}
ASKED: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/v1/people", {"params": {"q": NUL}}),
    ("GET", "/api/v1/audit", {"params": {"action": NUL}}),
    ("GET", "/api/v1/kiosk/gallery", {"params": {"room": NUL}}),
    ("POST", "/api/v1/webhooks", {"json": {"url": f"http://127.0.0.1:9/{NUL}", **WEBHOOK}}),
    (
        "POST",
        "/signin",
        {
            "data": {"username": NUL, "password": "mật khẩu thử", "next": "/meetings"},
            "headers": {"Origin": "http://testserver", "Authorization": ""},
        },
    ),
]


@pytest.mark.parametrize(("method", "path", "request_"), ASKED, ids=[p for _, p, _ in ASKED])
def test_a_nul_character_is_refused_or_ignored_never_a_server_error(
    client: TestClient, database_url: str, method: str, path: str, request_: dict[str, Any]
) -> None:
    answer = client.request(method, path, follow_redirects=False, **request_)
    assert answer.status_code < 500, answer.text
    if answer.status_code == 422 and path.startswith("/api/"):
        body = answer.json()
        assert body["reason"] == "INVALID_TEXT" and "NUL" in body["detail"]
    if database_url.startswith("postgresql"):
        assert answer.status_code == 422, answer.text  # PostgreSQL can hold or match none
        assert query(database_url, "SELECT count(*) FROM webhooks") == [(0,)]


def test_the_refusal_is_bilingual(client: TestClient, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite holds and searches a NUL: nothing to refuse")
    body = client.get("/api/v1/people", params={"q": NUL}).json()
    assert body == {"reason": "INVALID_TEXT", "detail": body["detail"]}
    assert "không thể lưu hay tìm" in body["detail"] and "neither stored nor" in body["detail"]
