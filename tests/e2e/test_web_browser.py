"""The secretary's pages in a real browser (system Chromium) against a real server process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from browser_support import launch_chromium, wait_until
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-web-admin-token-0123456789"
ROSTER = [
    ["DANH SÁCH ĐẠI BIỂU DỰ KỲ HỌP"],
    ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Mã đại biểu"],
    [1, "Nguyễn Văn An", "Chủ tịch", "UBND Quận 1", "DB-001"],
    [2, "Trần Thị Bình", "Phó Chủ tịch", "UBND Quận 1", "DB-002"],
    [3, "Lê Hoàng Cường", "Trưởng phòng Nội vụ", "Phòng Nội vụ", "DB-003"],
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def roster_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROSTER:
        sheet.append(row)
    book.save(path)
    return path


def test_a_secretary_prepares_a_meeting_and_watches_arrivals(
    database_url: str,
    browser,
    start_server: StartServer,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)

    # Sign in: any page sends a stranger to the sign-in form first.
    page.goto(f"{server.url}/meetings")
    assert "/signin" in page.url
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Nguyễn Thị Thu")
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    assert "admin (Nguyễn Thị Thu)" in page.inner_text("header")

    # Create a meeting.
    page.fill("input[name=title]", "Kỳ họp thứ 12 HĐND quận")
    page.fill("input[name=room]", "Hội trường A")
    page.fill("input[name=starts_at]", "2026-03-02T08:00")
    page.fill("input[name=ends_at]", "2026-03-02T11:30")
    page.click("form[action='/meetings'] button.primary")
    page.wait_for_url("**/meetings/*?ok=created")
    meeting_url = page.url.split("?")[0]
    meeting_id = int(meeting_url.rsplit("/", 1)[1])

    # Import the roster: preview, then confirm.
    page.click("text=Nhập danh sách")
    page.set_input_files("input[name=file]", str(roster_xlsx(tmp_path / "danh-sach.xlsx")))
    page.click("form button.primary")
    page.wait_for_selector("table.preview")
    assert "3 người mới" in page.inner_text("ul.counts")
    page.click("text=Xác nhận nhập 3 người")
    page.wait_for_url("**?ok=imported")
    assert page.locator("table.roster tbody tr").count() == 3

    # The live board, then a check-in through the API: the board shows it within 2 s.
    # The room's screen gets a board link: another browser, never signed in.
    page.click("text=Cấp liên kết màn hình")
    board_url = page.get_attribute("#board-link", "href")
    assert board_url and "key=bd_" in board_url
    page.goto(meeting_url)
    screen = browser.new_context(locale="vi-VN")
    board = screen.new_page()
    board.goto(board_url)
    assert board.inner_text("#n-present") == "0"
    board.wait_for_timeout(700)  # the stream's first event has arrived
    people = {
        row["person"]["full_name"]: row["person"]["id"]
        for row in api.get(f"/api/v1/meetings/{meeting_id}/attendance").json()
    }
    sent = time.monotonic()
    checkin = api.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        json={
            "person_id": people["Nguyễn Văn An"],
            "source": "kiosk",
            "idempotency_key": "k1",
            "at": "2026-03-02T08:05:00+07:00",  # within the meeting, which is over by now
        },
    )
    assert checkin.status_code == 201, checkin.text
    wait_until(board, "document.getElementById('n-present').textContent === '1'", timeout=2)
    shown_after = time.monotonic() - sent
    assert "Nguyễn Văn An" in board.inner_text("#arrivals")
    assert shown_after < 2.0
    print(f"live board updated {shown_after:.2f} s after the check-in")

    # Check him out by hand, with a reason; the audit log names who did it and why.
    page.goto(meeting_url)
    row = page.locator(f"#person-{people['Nguyễn Văn An']}")
    row.locator("input[name=reason]").fill("Về sớm họp đột xuất")
    row.locator("form.correction button").click()
    page.wait_for_url("**ok=checked_out**")
    page.click("text=Nhật ký thao tác")
    audit = page.inner_text("table.audit")
    assert "admin (Nguyễn Thị Thu)" in audit and "Về sớm họp đột xuất" in audit

    # Download the attendance list as XLSX from the meeting page, and open it.
    page.goto(meeting_url)
    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    saved = tmp_path / "downloaded.xlsx"
    download_info.value.save_as(saved)
    book = openpyxl.load_workbook(saved, read_only=True)
    cells = " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    book.close()
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"):
        assert name in cells

    # Search people without diacritics.
    page.goto(f"{server.url}/people")
    page.fill("input[name=q]", "tran thi binh")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**q=tran*")
    results = page.inner_text("table.people tbody")
    assert "Trần Thị Bình" in results and "Nguyễn Văn An" not in results
    context.close()
