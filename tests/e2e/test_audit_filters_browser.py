"""The whole audit log's meeting list and person-name box in a real browser (system
Chromium, a real server process), in Vietnamese and English; and an account's entry in
words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-audit-filter-admin-token-0123456789"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_one_picks_a_meeting_and_types_a_name(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Any
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    now = datetime.now(timezone.utc)
    meetings = []
    for hours, title in ((-2, "Họp giao ban"), (-1, "Họp chi bộ")):
        when = {
            "title": title,
            "starts_at": (now + timedelta(hours=hours)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(),
        }
        meetings.append(ok(api.post("/api/v1/meetings", json=when), 201)["id"])
    an, binh = (
        ok(api.post("/api/v1/people", json={"full_name": n}), 201)["id"]
        for n in ("Nguyễn Văn An", "Trần Thị Bình")
    )
    for meeting_id in meetings:
        url = f"/api/v1/meetings/{meeting_id}"
        ok(api.put(f"{url}/participants", json={"person_ids": [an, binh]}))
        for person in (an, binh):
            arrival = {"person_id": person, "source": "manual", "idempotency_key": f"{url}{person}"}
            ok(api.post(f"{url}/checkins", json={**arrival, "note": "Quên thẻ"}), 201)

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    # An account after signing in (with one, the token's sign-in hides behind a link).
    account = {"username": "tam.nv", "display_name": "Nguyễn Văn Tâm", "role": "teacher"}
    tam = ok(api.post("/api/v1/accounts", json={**account, "password": "mật khẩu dài đủ 10"}), 201)
    ok(api.patch(f"/api/v1/accounts/{tam['id']}", json={"role": "viewer"}))

    page.goto(f"{server.url}/audit")
    labels = page.locator("#audit-filter select[name=meeting_id] option").all_inner_texts()
    assert labels[1].startswith("Họp chi bộ") and labels[2].startswith("Họp giao ban")
    page.select_option("#audit-filter select[name=meeting_id]", str(meetings[1]))
    page.fill("#audit-filter input[name=person]", "tran thi binh")
    page.click("#audit-filter button")
    page.wait_for_url("**person=tran**")
    rows = " ".join(page.inner_text("table.audit tbody").split())
    assert "Trần Thị Bình" in rows and "Nguyễn Văn An" not in rows
    assert "Họp giao ban" not in rows
    assert "Trần Thị Bình" in page.inner_text("#audit-person-matches")

    page.goto(f"{server.url}/audit?action=role_changed&lang=en")
    row = " ".join(page.inner_text("table.audit tbody").split())
    assert "Nguyễn Văn Tâm (tam.nv)" in row and "role: Teacher → Viewer" in row
    context.close()
