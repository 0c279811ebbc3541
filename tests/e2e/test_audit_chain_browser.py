"""The whole audit log filtered by actor and by person in a real browser, and the chain's
check page, intact and then naming an entry edited in the database file, against a real
server process (system Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer
from sql_support import execute

pytestmark = pytest.mark.slow

TOKEN = "e2e-audit-chain-admin-token-0123456789"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_filters_by_actor_and_person_and_the_chain_check_page(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    now = datetime.now(timezone.utc)
    meeting = {
        "title": "Họp giao ban",
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
    }
    meeting_id = ok(api.post("/api/v1/meetings", json=meeting), 201)["id"]
    an, binh = (
        ok(api.post("/api/v1/people", json={"full_name": n}), 201)["id"]
        for n in ("Nguyễn Văn An", "Trần Thị Bình")
    )
    checkins = f"/api/v1/meetings/{meeting_id}/checkins"
    ok(api.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": [an, binh]}))
    arrival = {"person_id": an, "source": "kiosk:cua-A", "idempotency_key": "a"}
    ok(api.post(checkins, json=arrival), 201)

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Thư ký Hà")
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    page.goto(f"{server.url}/meetings/{meeting_id}")  # Hà checks Bình in by hand
    form = page.locator(f"form.correction:has(input[name=person_id][value='{binh}'])")
    form.locator("input[name=reason]").fill("Quên thẻ")
    form.locator("button").click()
    page.wait_for_load_state()

    page.goto(f"{server.url}/audit")
    page.select_option("#audit-filter select[name=actor]", label="admin (Thư ký Hà)")
    page.click("#audit-filter button")
    page.wait_for_url("**actor=admin**")
    rows = " ".join(page.inner_text("table.audit").split())
    assert "Trần Thị Bình" in rows and "Quên thẻ" in rows
    assert "Nguyễn Văn An" not in rows  # the kiosk's arrival was the token's, not Hà's

    page.goto(f"{server.url}/audit")
    page.locator(f"table.audit a.ref[href='/audit?person_id={binh}']").first.click()
    page.wait_for_url(f"**person_id={binh}**")
    assert "Chỉ các thao tác về Trần Thị Bình" in page.inner_text("#audit-person-filter")
    assert "Nguyễn Văn An" not in page.inner_text("table.audit")

    page.click("#audit-chain-link a")
    page.wait_for_url("**/audit/verify")
    assert "Chuỗi nguyên vẹn" in page.inner_text("#audit-chain-intact")
    execute(database_url, "UPDATE audit_log SET detail = '{}' WHERE seq = 1")
    page.goto(f"{server.url}/audit/verify?lang=en")
    broken = page.inner_text("#audit-chain-broken")
    assert "The chain is broken:" in broken and "Entry seq 1" in broken
    context.close()
