"""The monthly class report in a real browser (system Chromium) against a real server: the
month picked, the register shown as a table, the XLSX downloaded and read back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer
from school_report_support import seed_class

from attendance.db import make_engine, make_session_factory
from attendance.exports.class_month_xlsx import HEADER_ROW, MATRIX_SHEET

pytestmark = pytest.mark.slow

TOKEN = "e2e-school-report-token-0123456789"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_the_report_page_picks_a_month_and_downloads_the_xlsx(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)  # its start migrates the database
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        class_id = seed_class(session, name="6A", year=2025).class_id
        session.commit()
    engine.dispose()

    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Cô Lan")
    page.click("button.primary")
    page.wait_for_url("**/meetings")

    page.goto(f"{server.url}/classes/{class_id}/report")
    page.fill("input[name=month]", "2025-12")
    page.click("form.report-month button")
    page.wait_for_url("**month=2025-12**")
    rows = page.locator("table.matrix tbody tr")
    assert rows.count() == 4
    an = " ".join(rows.filter(has_text="Nguyễn Văn An").inner_text().split())
    assert "C M C KP" in an and "80,0%" in an

    with page.expect_download() as download_info:
        page.click("a[href$='format=xlsx']")
    download = download_info.value
    assert download.suggested_filename.endswith("2025-12.xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved)[MATRIX_SHEET]
    students = {
        row[2]: row[3:7]
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 4, values_only=True)
    }
    assert students["Nguyễn Văn An"] == ("C", "M", "C", "KP")
    assert students["Lê Văn Cường"] == ("CP", "CP", "KP", "KP")
    context.close()
