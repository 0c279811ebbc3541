"""The secretary writes a conclusion on the conclusion notice page, saves it, sees it again
after a reload, and downloads the notice as Word: a real browser (system Chromium) against a
real server process, the .docx opened with python-docx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer
from notice_page_support import BUDGET, meeting_with_discussion

pytestmark = pytest.mark.slow

TOKEN = "e2e-notice-admin-token-0123456789"
CONCLUSION = "Thống nhất thông qua dự toán ngân sách năm 2027; giao phòng Tài chính hoàn thiện."


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_a_conclusion_typed_saved_reloaded_and_found_in_the_word_file(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    docx = pytest.importorskip("docx", reason="python-docx is locked in the project")
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    meeting = meeting_with_discussion(api)

    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Nguyễn Thị Thu")
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    page.goto(f"{server.url}/meetings/{meeting.meeting_id}")
    page.click("#conclusions-link")
    page.wait_for_url(f"**/meetings/{meeting.meeting_id}/conclusions")

    item = page.locator(f"#item-{meeting.budget}")
    assert BUDGET in item.inner_text()
    assert item.locator(".stance-agree .stance-count").inner_text() == "1"
    assert item.locator(".stance-object .stance-count").inner_text() == "1"
    assert item.locator(".stance-other .stance-count").inner_text() == "1"
    page.fill("input[name=issuing_body]", "ỦY BAN NHÂN DÂN QUẬN LONG BIÊN")
    page.fill("input[name=number]", "125/TB-UBND")
    page.fill("input[name=issued_on]", "2026-12-08")
    page.select_option("select[name=chair_person_id]", str(meeting.people[0]))
    page.fill(f"#conclusion-{meeting.budget}", CONCLUSION)
    page.click("#save-notice")
    page.wait_for_url("**ok=notice_saved**")
    assert "Đã lưu bản nháp" in page.inner_text(".flash.ok")

    page.reload()
    assert page.input_value(f"#conclusion-{meeting.budget}") == CONCLUSION
    assert page.input_value("input[name=number]") == "125/TB-UBND"
    assert page.input_value("select[name=chair_person_id]") == str(meeting.people[0])

    with page.expect_download() as download_info:
        page.click("#notice-docx")
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    saved = tmp_path / "notice.docx"
    download.save_as(saved)
    document = docx.Document(str(saved))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert CONCLUSION in text
    assert "125/TB-UBND" in text and "ỦY BAN NHÂN DÂN QUẬN LONG BIÊN" in text
    context.close()


def test_a_delegate_picks_a_stance_on_the_phone_and_the_conclusions_page_counts_it(
    database_url: str, browser: Any, start_server: StartServer
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    meeting = meeting_with_discussion(api)
    base = f"/api/v1/meetings/{meeting.meeting_id}"
    asked = {"title": "Lấy ý kiến về dự toán", "kind": "opinion", "agenda_item_id": meeting.budget}
    poll = api.post(f"{base}/polls", json=asked).json()
    assert api.post(f"{base}/polls/{poll['id']}/open").status_code == 200
    token = meeting.tokens[1]  # Bình's

    phone = browser.new_context(locale="vi-VN").new_page()
    phone.set_default_timeout(10_000)
    phone.goto(f"{server.url}/vote#{token}")
    card = phone.locator(".opinion").first
    card.get_by_label("Ý kiến không đồng ý", exact=True).check()
    card.locator("textarea").fill("Đề nghị giảm chi thường xuyên.")
    card.get_by_role("button", name="Gửi ý kiến").click()
    phone.get_by_text("Đã gửi ý kiến. Xin cảm ơn.").wait_for()
    said = api.get(f"{base}/polls/{poll['id']}/opinions").json()
    assert [(o["text"], o["stance"]) for o in said] == [
        ("Đề nghị giảm chi thường xuyên.", "object")
    ]

    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Nguyễn Thị Thu")
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    page.goto(f"{server.url}/meetings/{meeting.meeting_id}/conclusions")
    objections = page.locator(f"#item-{meeting.budget} .stance-object")
    assert objections.locator(".stance-count").inner_text() == "2"  # Bình's, then this one
    assert "Đề nghị giảm chi thường xuyên." in objections.inner_text()
