"""People in a real browser: the list's Vietnamese order, a roster row that asks, merge, delete."""

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

TOKEN = "e2e-people-admin-token-0123456789"
# Created in this order; the list shows them by given name, then middle and family names:
# An before Ánh (no mark first), Ánh before Ân (a < â decides before the tone).
PEOPLE = ["Trần Thị Bình", "Nguyễn Văn An", "Bùi Thị Ân", "Lê Văn Ánh", "Đặng Thị Giang"]
CUONG = "Lê Hoàng Cường"
IN_ORDER = [
    "Nguyễn Văn An",
    "Lê Văn Ánh",
    "Bùi Thị Ân",
    "Trần Thị Bình",
    CUONG,
    CUONG,
    "Đặng Thị Giang",
]
ROSTER = [
    ["Họ và tên", "Chức vụ", "Đơn vị"],
    ["Nguyễn Văn An", "Giám đốc Sở", "Sở Giáo dục và Đào tạo"],
    ["Lê Hoàng Cường", "Trưởng phòng", "Phòng Nội vụ"],
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def _sheet(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROSTER:
        sheet.append(row)
    book.save(path)
    return path


def test_a_secretary_orders_imports_merges_and_deletes_people(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    ids = {}
    for name in PEOPLE:
        ids[name] = api.post("/api/v1/people", json={"full_name": name}).json()["id"]
    cuong = [api.post("/api/v1/people", json={"full_name": CUONG}).json()["id"] for _ in "12"]
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": "Họp giao ban Sở",
            "starts_at": "2026-03-02T08:00:00+07:00",
            "ends_at": "2026-03-02T11:00:00+07:00",
        },
    ).json()["id"]
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())  # the pages' "are you sure?"
    page.goto(f"{server.url}/people")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Nguyễn Thị Thu")
    page.click("button.primary")
    page.wait_for_url("**/people")

    # The list, in Vietnamese order.
    assert page.locator("table.people tbody tr td:first-child").all_inner_texts() == IN_ORDER

    # The roster: An is found and given his title and unit; the Cường row asks which one.
    page.goto(f"{server.url}/meetings/{meeting}/roster")
    page.set_input_files("input[name=file]", str(_sheet(tmp_path / "ds.xlsx")))
    page.click("form button.primary")
    page.wait_for_selector("table.preview")
    preview = page.inner_text("table.preview")
    assert "Chức vụ: — → Giám đốc Sở" in preview
    assert "1 dòng cần chọn người" in page.inner_text("ul.counts")
    assert page.evaluate("document.getElementById('confirm-form').checkValidity()") is False
    page.click("text=Xác nhận nhập 2 người")  # no choice yet: the browser asks for one
    page.wait_for_timeout(300)
    assert "/roster/preview" in page.url
    page.check(f"input[name=choice-3][value='{cuong[1]}']")
    page.click("text=Xác nhận nhập 2 người")
    page.wait_for_url("**?ok=imported")
    roster = api.get(f"/api/v1/meetings/{meeting}/attendance").json()
    assert sorted(r["person"]["id"] for r in roster) == sorted([ids["Nguyễn Văn An"], cuong[1]])
    an = api.get(f"/api/v1/people/{ids['Nguyễn Văn An']}").json()
    assert (an["title"], an["unit"]) == ("Giám đốc Sở", "Sở Giáo dục và Đào tạo")

    # Merge the other Cường into the one on the roster, from his page.
    page.goto(f"{server.url}/people/{cuong[0]}")
    page.click("#manage button")
    page.wait_for_url(f"**/people/{cuong[0]}/merge?q=*")
    page.click(f"a[href*='into_id={cuong[1]}']")
    page.wait_for_selector("#merge-plan")
    assert f"#{cuong[1]} {CUONG}" in page.inner_text("#merge-plan h2")
    page.click("#merge-plan button.primary")
    page.wait_for_url(f"**/people/{cuong[1]}?ok=merged")
    assert api.get(f"/api/v1/people/{cuong[0]}").status_code == 404
    kept = api.get(f"/api/v1/people/{cuong[1]}").json()
    assert (kept["unit"], kept["title"]) == ("Phòng Nội vụ", "Trưởng phòng")

    # Delete Giang, who has no history: one confirmation.
    page.goto(f"{server.url}/people/{ids['Đặng Thị Giang']}")
    page.click("text=Xóa người này")
    page.wait_for_selector(".person-delete")
    page.click("text=Xóa vĩnh viễn")
    page.wait_for_url("**/people?ok=deleted")
    assert "Đã xóa người này." in page.inner_text("main")
    assert "Đặng Thị Giang" not in page.inner_text("table.people")
    context.close()
