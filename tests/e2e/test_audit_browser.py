"""The roster preview takes the exact namesake, the import is logged, and the whole audit
log (/audit, from the menu) reaches what a deleted person or meeting left: a real browser
(system Chromium) against a real server process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-audit-admin-token-0123456789"
SHEET = [
    ["STT", "Họ và tên", "Chức vụ", "Đơn vị"],
    [1, "Trần Thị Bình", "Phó Chủ tịch", "UBND Quận 1"],
    [2, "Nguyễn Văn An", "Chủ tịch", "UBND Quận 1"],
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_the_import_is_logged_and_the_whole_log_reaches_what_was_deleted(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    ok(api.post("/api/v1/people", json={"full_name": "Trần Thị Bình"}), 201)  # no unit
    binh = ok(
        api.post(
            "/api/v1/people",
            json={"full_name": "Trần Thị Bình", "title": "Phó Chủ tịch", "unit": "UBND Quận 1"},
        ),
        201,
    )["id"]
    meeting = {
        "title": "Kỳ họp sẽ hủy",
        "starts_at": "2026-03-02T08:00:00+07:00",
        "ends_at": "2026-03-02T11:00:00+07:00",
    }
    meeting_id = ok(api.post("/api/v1/meetings", json=meeting), 201)["id"]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in SHEET:
        sheet.append(row)
    book.save(tmp_path / "danh-sach-dai-bieu.xlsx")

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Thư ký Hà")
    page.click("button.primary")
    page.wait_for_url("**/meetings")

    # The preview takes the Bình whose unit and title are the row's: nothing to ask.
    page.goto(f"{server.url}/meetings/{meeting_id}/roster")
    page.set_input_files("input[name=file]", str(tmp_path / "danh-sach-dai-bieu.xlsx"))
    page.click("form button.primary")
    page.wait_for_selector("table.preview")
    counts = " ".join(page.inner_text("ul.counts").split())
    assert "1 đã có trong hệ thống" in counts and "1 người mới" in counts
    assert page.locator("table.preview input[type=radio]").count() == 0
    assert f"#{binh} Trần Thị Bình" in page.inner_text("tr.row-matched")
    page.click("#confirm-form button.primary")
    page.wait_for_url("**ok=imported**")

    page.click("text=Nhật ký thao tác")
    log = " ".join(page.inner_text("table.audit").split())
    assert "admin (Thư ký Hà) Nhập danh sách từ tệp" in log
    assert "Thay cả danh sách từ tệp danh-sach-dai-bieu.xlsx: 1 người mới, 1 người đã có" in log

    # Take An off, delete him and the meeting: the whole log, from the menu, still has them.
    an = next(
        r["person"]["id"]
        for r in ok(api.get(f"/api/v1/meetings/{meeting_id}/attendance"))
        if r["person"]["full_name"] == "Nguyễn Văn An"
    )
    ok(api.delete(f"/api/v1/meetings/{meeting_id}/participants/{an}"))
    ok(api.delete(f"/api/v1/people/{an}"))
    ok(api.delete(f"/api/v1/meetings/{meeting_id}"))
    page.goto(f"{server.url}/meetings")
    page.click("header nav >> text=Nhật ký")
    page.wait_for_url("**/audit")
    whole = " ".join(page.inner_text("table.audit").split())
    assert "Xóa người Nguyễn Văn An (đã xóa)" in whole
    assert f"Kỳ họp sẽ hủy (đã xóa) #{meeting_id}" in whole

    page.select_option("#audit-filter select[name=action]", "person_deleted")
    page.click("#audit-filter button")
    page.wait_for_url("**action=person_deleted**")
    assert page.locator("table.audit tbody tr").count() == 1

    page.goto(f"{server.url}/audit")
    page.locator(f"#audit-{_deletion_id(api, meeting_id)} a", has_text="xem nhật ký").click()
    page.wait_for_url(f"**meeting_id={meeting_id}**")
    entries = " ".join(page.inner_text("table.audit").split())
    assert "Xóa cuộc họp" in entries and "Nhập danh sách từ tệp" in entries
    assert "Nguyễn Văn An (đã xóa)" in entries  # taken off the roster, named though deleted
    assert "Xóa người" not in entries  # of no meeting
    context.close()


def _deletion_id(api: httpx.Client, meeting_id: int) -> int:
    found = ok(api.get(f"/api/v1/audit?action=meeting_deleted&meeting_id={meeting_id}"))
    entry_id: int = found["items"][0]["id"]
    return entry_id
