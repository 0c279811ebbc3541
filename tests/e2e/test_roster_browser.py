"""The secretary edits a roster one person at a time, records a proxy by names, and deletes
the meeting: a real browser (system Chromium) against a real server process."""

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

TOKEN = "e2e-roster-admin-token-0123456789"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_a_secretary_edits_the_roster_records_a_proxy_and_deletes_the_meeting(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    ids = {
        name: ok(api.post("/api/v1/people", json={"full_name": name, "unit": unit}), 201)["id"]
        for name, unit in (
            ("Nguyễn Văn An", "UBND Quận 1"),
            ("Trần Thị Bình", "UBND Quận 1"),
            ("Phạm Minh Dũng", "Phòng Nội vụ"),
        )
    }
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    meeting = {
        "title": "Kỳ họp thứ 12 HĐND quận",
        "starts_at": day.replace(hour=0, minute=0).isoformat(),
        "ends_at": day.replace(hour=23, minute=59).isoformat(),
    }
    meeting_id = ok(api.post("/api/v1/meetings", json=meeting), 201)["id"]
    base = f"/api/v1/meetings/{meeting_id}"
    roster = {"person_ids": [ids["Nguyễn Văn An"], ids["Phạm Minh Dũng"]]}
    ok(api.put(f"{base}/participants", json=roster))

    def rights() -> dict[str, bool]:
        rows = ok(api.get(f"{base}/participants"))
        return {r["person"]["full_name"]: r["voting_rights"] for r in rows}

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())  # the pages' "are you sure?"
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Nguyễn Thị Thu")
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    meeting_url = f"{server.url}/meetings/{meeting_id}"
    page.goto(meeting_url)

    # Find Bình without diacritics and add her.
    page.fill("#add input[name=q]", "tran thi binh")
    page.press("#add input[name=q]", "Enter")
    binh = ids["Trần Thị Bình"]
    page.locator(f"#candidate-{binh}").wait_for()
    assert page.locator("ul.candidates li").count() == 1
    page.click(f"#candidate-{binh} button")
    page.wait_for_url("**ok=participant_added**")
    assert "Đã thêm vào danh sách." in page.inner_text(".flash.ok")
    assert "Có quyền biểu quyết" in page.inner_text(f"#person-{binh}")
    assert rights()["Trần Thị Bình"] is True

    # She attends as an observer after all; then gets her vote back.
    page.click(f"#person-{binh} >> text=Chuyển thành khách mời")
    page.wait_for_url("**ok=rights_changed**")
    assert "Khách mời (không biểu quyết)" in page.inner_text(f"#person-{binh}")
    assert rights()["Trần Thị Bình"] is False
    page.click(f"#person-{binh} >> text=Cho quyền biểu quyết")
    page.wait_for_url("**ok=rights_changed**")
    assert rights()["Trần Thị Bình"] is True

    # Someone nobody has entered yet: created and added from the meeting page.
    page.fill("#new-participant input[name=full_name]", "Lê Hoàng Cường")
    page.fill("#new-participant input[name=unit]", "Phòng Tài chính")
    page.check("#new-participant input[name=observer]")
    page.click("#new-participant button.primary")
    page.wait_for_url("**ok=participant_added**")
    assert rights()["Lê Hoàng Cường"] is False
    cuong = next(
        p["id"] for p in ok(api.get("/api/v1/people")) if p["full_name"] == "Lê Hoàng Cường"
    )
    assert "Lê Hoàng Cường" in page.inner_text(f"#person-{cuong}")

    # And taken off again (he never came).
    page.click(f"#person-{cuong} >> text=Xóa khỏi danh sách")
    page.wait_for_url("**ok=participant_removed**")
    assert page.locator(f"#person-{cuong}").count() == 0
    assert set(rights()) == {"Nguyễn Văn An", "Trần Thị Bình", "Phạm Minh Dũng"}

    # An and Bình are here, Dũng is away: his proxy goes to An, chosen by name.
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        body = {"person_id": ids[name], "source": "cửa A", "idempotency_key": name}
        ok(api.post(f"{base}/checkins", json=body), 201)
    page.goto(f"{meeting_url}/polls")
    grantors = page.locator("select[name=grantor_id] option").all_inner_texts()
    holders = page.locator("select[name=holder_id] option").all_inner_texts()
    assert grantors == ["— chọn —", "Phạm Minh Dũng (Phòng Nội vụ)"]
    assert holders == ["— chọn —", "Nguyễn Văn An (UBND Quận 1)", "Trần Thị Bình (UBND Quận 1)"]
    page.select_option("select[name=grantor_id]", label="Phạm Minh Dũng (Phòng Nội vụ)")
    page.select_option("select[name=holder_id]", label="Nguyễn Văn An (UBND Quận 1)")
    page.click("text=Ghi nhận ủy quyền")
    page.wait_for_url("**ok=proxy**")
    assert "Phạm Minh Dũng → Nguyễn Văn An" in page.inner_text("ul.proxies")

    # Delete the meeting while a poll is open: the page names what goes and asks once more.
    poll = ok(api.post(f"{base}/polls", json={"title": "Thông qua biên bản", "quorum": "0"}), 201)
    ok(api.post(f"{base}/polls/{poll['id']}/open"))
    page.goto(meeting_url)
    page.click("#delete-meeting")
    summary = page.inner_text("#delete-summary")
    for said in ("3 người trong danh sách", "2 lượt điểm danh", "1 nội dung biểu quyết"):
        assert said in summary
    assert "1 ủy quyền" in summary and "Thông qua biên bản" in page.inner_text("#open-polls")
    page.click("#confirm-delete")  # the box is not ticked: the browser keeps the form
    assert ok(api.get(base))["id"] == meeting_id
    page.check("input[name=discard_open_polls]")
    page.click("#confirm-delete")
    page.wait_for_url("**/meetings?ok=meeting_deleted")
    assert "Đã xóa cuộc họp." in page.inner_text(".flash.ok")
    assert "Kỳ họp thứ 12 HĐND quận" not in page.inner_text("main")
    assert api.get(base).status_code == 404
    assert len(ok(api.get("/api/v1/people"))) == 4  # the people stay
    context.close()
