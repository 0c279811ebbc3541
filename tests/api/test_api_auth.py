"""Every /api/v1 call needs the admin bearer token; the token is stored only as a hash."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from api_support import ADMIN_TOKEN, ClientFactory, query
from fastapi.testclient import TestClient

from attendance.settings import ThrottleSettings

CALLS = [
    ("get", "/api/v1/people"),
    ("post", "/api/v1/people"),
    ("get", "/api/v1/people/1"),
    ("post", "/api/v1/people/1/photos"),
    ("delete", "/api/v1/people/1/templates"),
    ("post", "/api/v1/meetings"),
    ("put", "/api/v1/meetings/1/participants"),
    ("post", "/api/v1/identify"),
    ("post", "/api/v1/meetings/1/checkins"),
    ("get", "/api/v1/meetings/1/attendance"),
    ("get", "/api/v1/meetings/1/export?format=pdf"),
]


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    # These tests knock at every route with a wrong token, more often than the throttle lets
    # one address fail (tests/web/test_throttle_pages.py checks that limit).
    return make_client(throttle=ThrottleSettings(failures=1000))


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {ADMIN_TOKEN}", "Bearer ", ADMIN_TOKEN],
    ids=["missing", "wrong-token", "basic-scheme", "empty-bearer", "no-scheme"],
)
def test_calls_without_the_right_token_are_refused_with_401(
    client: TestClient, rows: Callable[[], dict[str, int]], authorization: str | None
) -> None:
    del client.headers["Authorization"]
    headers = {} if authorization is None else {"Authorization": authorization}
    before = rows()
    for method, url in CALLS:
        response = client.request(method, url, headers=headers, json={"full_name": "Nguyễn Văn An"})
        assert response.status_code == 401, (method, url, response.text)
        assert response.json()["reason"] == "UNAUTHORIZED"
        assert response.headers["www-authenticate"] == "Bearer"
    assert rows() == before


def test_admin_token_opens_the_api_and_health_needs_none(client: TestClient) -> None:
    assert client.get("/api/v1/people").status_code == 200
    del client.headers["Authorization"]
    assert client.get("/healthz").json() == {"status": "ok"}


def test_admin_token_is_stored_only_as_its_hash(client: TestClient, database_url: str) -> None:
    stored = query(database_url, "SELECT name, token_sha256 FROM api_tokens")
    assert stored == [("admin", hashlib.sha256(ADMIN_TOKEN.encode()).hexdigest())]


@pytest.mark.sqlite_only
def test_the_admin_token_is_nowhere_in_the_database_file(client: TestClient, db_path: Path) -> None:
    assert ADMIN_TOKEN.encode() not in db_path.read_bytes()
