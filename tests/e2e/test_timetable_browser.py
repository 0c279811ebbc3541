"""The class timetable page in a real browser: a weekly pattern added shows in the week, the
school's rules are saved, an excused absence is registered and removed after the page asks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.schools.classes import create_class, set_students

pytestmark = pytest.mark.slow

TOKEN = "e2e-timetable-admin-token-0123456789"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_the_timetable_page_in_a_browser(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    kid = api.post("/api/v1/people", json={"full_name": "Phạm Gia Bảo"}).json()["id"]
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        cls = create_class(session, name="8C", school="THCS Gia Thụy", school_year="2026-2027")
        set_students(session, class_id=cls.id, person_ids=[kid])
        class_id = cls.id
    engine.dispose()

    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    url = f"{server.url}/classes/{class_id}/timetable?week=2031-01-06"
    page.goto(url)
    page.fill("input[name=token]", TOKEN)
    page.click("button.primary")
    page.wait_for_url("**/timetable*")
    assert "Thời khóa biểu lớp 8C" in page.inner_text("h1")
    assert page.get_attribute("#back-to-class", "href") == f"/classes/{class_id}"

    form = page.locator("#add-pattern form")
    form.locator("input[name=starts_on]").fill("2031-01-06")
    form.locator("input[name=ends_on]").fill("2031-01-31")
    form.locator("select[name=weekday]").select_option("2")
    form.locator("input[name=period]").fill("3")
    form.locator("input[name=subject]").fill("Tiếng Anh")
    form.locator("input[name=start]").fill("09:10")
    form.locator("input[name=end]").fill("09:55")
    form.locator("button.primary").click()
    page.wait_for_selector("p.flash.ok")
    assert "Thứ Ba 07/01" in page.inner_text("#sessions")
    assert "09:10 – 09:55" in page.inner_text("#sessions")
    listed = api.get(f"/api/v1/classes/{class_id}/sessions").json()
    assert [s["date"] for s in listed] == ["2031-01-07", "2031-01-14", "2031-01-21", "2031-01-28"]

    rules = page.locator("#rules form")
    rules.locator("input[name=late_after_minutes]").fill("10")
    rules.locator("input[name=absent_after_minutes]").fill("25")
    rules.locator("button.primary").click()
    page.wait_for_selector("p.flash.ok")
    assert api.get("/api/v1/schools/THCS Gia Thụy/rules").json()["absent_after_minutes"] == 25

    excused = page.locator("#excused-form")
    excused.locator("input[name=starts_on]").fill("2031-01-07")
    excused.locator("input[name=ends_on]").fill("2031-01-08")
    excused.locator("input[name=reason]").fill("Đi viện, bố xin phép")
    excused.locator("button.primary").click()
    page.wait_for_selector("tr[data-excused]")
    assert "Phạm Gia Bảo" in page.inner_text("#excused")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("tr[data-excused] button.danger")
    page.wait_for_selector("#excused td.empty")
    assert asked and "Xóa đơn xin phép này?" in asked[0]
    assert api.get(f"/api/v1/people/{kid}/excused-absences").json() == []
    context.close()
