"""The school office in a real browser (system Chromium) against a real server process: the
class list, a class's page, its class list previewed from an XLSX, then confirmed, and a
student's details edited on their page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import launch_chromium
from class_list_support import class_list_xlsx
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-classes-admin-token-0123456789"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_the_office_creates_a_class_and_imports_its_list(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    sheet = tmp_path / "lop-6a1.xlsx"
    sheet.write_bytes(class_list_xlsx())

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Nguyễn Thị Thu")
    page.click("button.primary")
    page.wait_for_url("**/meetings")

    page.click("header nav >> text=Lớp học")
    page.wait_for_url("**/classes")
    assert "Chưa có lớp nào." in page.inner_text("table.classes")
    page.fill("#new-class input[name=name]", "6A1")
    page.fill("#new-class input[name=school]", "THCS Long Biên")
    page.fill("#new-class input[name=school_year]", "2026-2027")
    page.click("#new-class button.primary")
    page.wait_for_url("**ok=class_created**")
    assert "Đã tạo lớp." in page.inner_text(".flash.ok")
    class_url = page.url.split("?")[0]

    page.set_input_files("#class-import input[name=file]", str(sheet))
    page.click("#class-import button.primary")
    page.wait_for_url("**/import/preview")
    counts = page.inner_text("ul.counts")
    assert "2 học sinh mới" in counts and "2 dòng bị bỏ qua" in counts
    assert page.locator("tr.row-reject").count() == 2
    class_id = int(class_url.rsplit("/", 1)[1])
    assert api.get(f"/api/v1/classes/{class_id}").json()["student_count"] == 0

    page.click("#confirm-form button.primary")
    page.wait_for_url("**ok=class_imported**")
    assert "Đã nhập danh sách lớp." in page.inner_text(".flash.ok")
    students = page.inner_text("table.students")
    assert "Nguyễn Minh Anh" in students and "HS002" in students and "17/05/2014" in students
    body = api.get(f"/api/v1/classes/{class_id}").json()
    assert {s["student_code"] for s in body["students"]} == {"HS001", "HS002"}

    # A student's page from the class: a new code, a second guardian in the empty row.
    page.click('table.students tr:has-text("Nguyễn Minh Anh") >> a.edit-student')
    page.wait_for_url("**/students/*")
    page.fill("#student-form input[name=student_code]", "HS001A")
    page.locator("#student-form input[name=guardian_name]").nth(1).fill("Nguyễn Văn Nam")
    page.locator("#student-form input[name=guardian_relation]").nth(1).fill("cha")
    page.click("#student-form button.primary")
    page.wait_for_url("**ok=student_saved**")
    assert "Đã lưu thông tin học sinh." in page.inner_text(".flash.ok")
    anh = next(
        s
        for s in api.get(f"/api/v1/classes/{class_id}").json()["students"]
        if s["student_code"] == "HS001A"
    )
    guardians = api.get(f"/api/v1/people/{anh['id']}/student").json()["guardians"]
    assert [g["name"] for g in guardians] == ["Nguyễn Thị Hoa", "Nguyễn Văn Nam"]
    page.goto(class_url)

    page.click("header nav >> text=Lớp học")
    page.wait_for_url("**/classes")
    assert "6A1" in page.inner_text("table.classes")
    page.click("table.classes >> text=6A1")
    page.wait_for_url(class_url)
    context.close()
