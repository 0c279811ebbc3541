"""A delegate votes from the personal link in a real browser against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-vote-admin-token-0123456789"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_delegate_votes_from_the_link_and_sees_the_result(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    admin = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    person = ok(admin.post("/api/v1/people", json={"full_name": "Trương Thị Mỹ Duyên"}), 201)
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    meeting = ok(
        admin.post(
            "/api/v1/meetings",
            json={
                "title": "Kỳ họp thứ 7 HĐND phường Bến Nghé",
                "starts_at": day.replace(hour=0, minute=0).isoformat(),
                "ends_at": day.replace(hour=23, minute=59).isoformat(),
            },
        ),
        201,
    )["id"]
    ok(admin.put(f"/api/v1/meetings/{meeting}/participants", json={"person_ids": [person["id"]]}))
    event = ok(
        admin.post(
            f"/api/v1/meetings/{meeting}/checkins",
            json={"person_id": person["id"], "source": "cửa A", "idempotency_key": "k1"},
        ),
        201,
    )
    link = server.url + "/vote#" + event["voting_url"].split("#", 1)[1]
    page = browser.new_page()
    page.goto(link)
    page.get_by_text("Trương Thị Mỹ Duyên").wait_for()
    page.get_by_text("Chưa có nội dung biểu quyết nào").wait_for()
    polls = f"/api/v1/meetings/{meeting}/polls"
    poll = ok(admin.post(polls, json={"title": "Thông qua chương trình kỳ họp"}), 201)
    ok(admin.post(f"{polls}/{poll['id']}/open"))
    # The page polls every 3 s: the newly opened poll appears by itself.
    page.get_by_label("Đồng ý", exact=True).check(timeout=10_000)
    page.get_by_role("button", name="Gửi phiếu").click()
    page.get_by_text("Đã ghi nhận phiếu của đồng chí.").wait_for()
    assert ok(admin.get(f"{polls}/{poll['id']}/tally"))["options"][0]["votes"] == 1
    page.reload()
    page.get_by_text("Đồng chí đã bỏ phiếu.").wait_for()
    ok(admin.post(f"{polls}/{poll['id']}/close"))
    page.get_by_text("Thông qua: tán thành 1 trên 1").wait_for(timeout=10_000)
    page.close()
