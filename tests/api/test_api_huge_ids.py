"""An id past the database's integer range in any API path is a 404 (or a refusal of the
request's body), never a 500: SQLite cannot bind it, so each lookup guards it (MAX_ID)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from api_support import ADMIN_TOKEN, module_database
from db_backends import PostgresDatabases, SqliteDatabases
from fastapi.testclient import TestClient
from permission_support import app_routes
from test_openapi_contract import FAKE

from api.app import create_app
from attendance.settings import Settings, WebhookSettings

HUGE = "21673854012546593888571278491648"  # 2**104 + ..., what schemathesis sent
ISSUE_12 = (
    "classes",
    "students",
    "sessions",
    "excused",
    "webhooks",
    "class-photo",
    "school-attendance",
)


@pytest.fixture(scope="module")
def database_url(
    databases: SqliteDatabases | PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database for the module's many requests."""
    yield from module_database(databases, tmp_path_factory.mktemp("huge"))


@pytest.fixture(scope="module")
def api(database_url: str) -> Iterator[TestClient]:
    settings = Settings(
        db_url=database_url,
        admin_token=ADMIN_TOKEN,
        allowed_hosts=["testserver"],
        webhooks=WebhookSettings(period_seconds=3600),
    )
    app = create_app(settings, pipeline_factory=lambda _: FAKE, warm_up=False)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(app, raise_server_exceptions=False, headers=headers) as client:
        yield client


def _routes() -> list[tuple[str, str]]:
    app = create_app(
        Settings(db_url="sqlite://", admin_token=ADMIN_TOKEN),
        pipeline_factory=lambda _: FAKE,
        warm_up=False,
    )
    return [
        (method, path)
        for method, path in app_routes(app)
        if path.startswith("/api/") and re.search(r"\{\w*(_id|index|face)\}", path)
    ]


ROUTES = _routes()


def test_the_issue_12_routes_are_among_those_checked() -> None:
    checked = " ".join(path for _, path in ROUTES)
    for word in ISSUE_12:
        assert f"/{word}" in checked, word
    assert ("GET", "/api/v1/webhooks/{webhook_id}/deliveries") in ROUTES
    assert ("GET", "/api/v1/people/{person_id}/excused-absences") in ROUTES


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_an_id_out_of_range_is_not_found_never_a_server_error(
    api: TestClient, method: str, path: str
) -> None:
    url = re.sub(r"\{\w*(_id|index|face)\}", HUGE, path)
    url = re.sub(r"\{\w+\}", "1", url)
    response = api.request(method, url, json={})
    assert response.status_code < 500, response.text
    if method in ("GET", "DELETE") and response.json()["reason"] != "INVALID_REQUEST":
        assert response.status_code == 404, response.text  # (422: a query parameter missing)
