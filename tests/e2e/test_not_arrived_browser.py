"""Before the start, the meeting page and the board say "Chưa đến", and "Vắng" once it passes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import launch_chromium, wait_until
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-not-arrived-token-0123456789"
LEAD_SECONDS = 8  # the meeting starts this long after it is created


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_not_arrived_until_the_start_then_absent(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    ids = [
        api.post("/api/v1/people", json={"full_name": name}).json()["id"]
        for name in ("Nguyễn Văn An", "Trần Thị Bình")
    ]
    starts = datetime.now(timezone.utc) + timedelta(seconds=LEAD_SECONDS)
    created = time.monotonic()
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": "Giao ban sáng",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
        },
    )
    assert meeting.status_code == 201, meeting.text
    meeting_id = meeting.json()["id"]
    api.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": ids})

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Thư ký Hà")
    page.click("button.primary")
    page.wait_for_url("**/meetings")

    page.goto(f"{server.url}/meetings/{meeting_id}")
    counts = page.inner_text("ul.counts")
    assert "2 Chưa đến" in " ".join(counts.split()) and "Vắng" not in counts
    roster = page.inner_text("table.roster tbody")
    assert roster.count("Chưa đến") == 2 and "Vắng" not in roster

    page.goto(f"{server.url}/board/{meeting_id}?lang=en")
    assert page.inner_text("#l-missing") == "Not arrived yet"
    assert page.inner_text("#n-missing") == "2"
    page.goto(f"{server.url}/board/{meeting_id}?lang=vi")  # the choice is remembered
    assert page.inner_text("#l-missing") == "Chưa đến"
    # The start passes with the board open: it says absent by itself, without a reload.
    left = LEAD_SECONDS - (time.monotonic() - created)
    wait_until(
        page, "document.getElementById('l-missing').textContent === 'Vắng'", timeout=left + 5
    )
    assert page.inner_text("#n-missing") == "2"
    assert page.get_attribute("#c-missing", "class") == "absent"

    page.goto(f"{server.url}/meetings/{meeting_id}")
    counts = " ".join(page.inner_text("ul.counts").split())
    assert "2 Vắng" in counts and "Chưa đến" not in counts
    assert page.inner_text("table.roster tbody").count("Vắng") == 2
    context.close()
