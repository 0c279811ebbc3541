"""The secretary uploads a PDF through the documents page's form, sees it listed under its
agenda item, replaces it and removes it: a real browser (system Chromium) against a real
server process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import launch_chromium
from document_files import pdf_bytes
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-documents-admin-token-0123456789"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def pdf_file(folder: Path, name: str, *pages: str) -> Path:
    path = folder / name
    path.write_bytes(pdf_bytes(*pages))
    return path


def test_a_secretary_uploads_a_pdf_through_the_form_and_sees_it_listed(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    documents = tmp_path / "documents"
    server = start_server(database_url, TOKEN, settings={"ATTEND_DOCUMENTS__DIR": str(documents)})
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    meeting = {
        "title": "Kỳ họp thứ 12 HĐND quận",
        "starts_at": "2026-12-10T08:00:00+07:00",
        "ends_at": "2026-12-10T11:00:00+07:00",
    }
    meeting_id = ok(api.post("/api/v1/meetings", json=meeting), 201)["id"]
    base = f"/api/v1/meetings/{meeting_id}"
    item = ok(api.post(f"{base}/agenda", json={"title": "Dự toán ngân sách 2027"}), 201)["id"]
    first = pdf_file(tmp_path, "Tờ trình dự toán.pdf", "To trinh", "Phu luc")
    second = pdf_file(tmp_path, "Tờ trình dự toán (sửa).pdf", "To trinh sua")

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())  # the pages' "are you sure?"
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Nguyễn Thị Thu")
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    page.goto(f"{server.url}/meetings/{meeting_id}")
    page.click("#documents-link")
    page.wait_for_url(f"**/meetings/{meeting_id}/documents")
    assert "Cuộc họp chưa có tài liệu." in page.inner_text("main")

    page.set_input_files("#upload-form input[name=file]", str(first))
    page.fill("#upload-form input[name=title]", "Tờ trình dự toán ngân sách")
    page.select_option("#upload-form select[name=agenda_item_id]", str(item))
    page.check("#upload-form input[name=watermark]")
    page.click("#upload-form button.primary")
    page.wait_for_url("**ok=document_added**")
    assert "Đã thêm tài liệu." in page.inner_text(".flash.ok")
    [document] = ok(api.get(f"{base}/documents"))["documents"]
    row = page.locator(f"#document-{document['id']}")
    assert "Tờ trình dự toán ngân sách" in row.inner_text()
    assert "Tờ trình dự toán.pdf" in row.inner_text() and "2 trang" in row.inner_text()
    group = page.inner_text(f"#group-{item}")
    assert "Nội dung 1: Dự toán ngân sách 2027" in group and "bản 1" in group
    assert document["watermark"] is True and document["version"]["pages"] == 2

    # A new version through the row's own form; the first stays listed as an earlier one.
    page.click(f"#document-{document['id']}-more details.replace summary")
    page.set_input_files(f"#document-{document['id']}-more input[name=file]", str(second))
    page.click(f"#document-{document['id']}-more form.new-version button")
    page.wait_for_url("**ok=document_version**")
    assert "bản 2" in page.inner_text(f"#document-{document['id']}")
    assert "Tờ trình dự toán (sửa).pdf" in page.inner_text(f"#document-{document['id']}")
    page.click(f"#document-{document['id']}-more details.earlier summary")
    assert page.is_visible(f"#document-{document['id']}-v1")
    downloaded = api.get(f"{base}/documents/{document['id']}?version=1")
    assert downloaded.content == first.read_bytes()

    # Removing asks first (accepted above), then the list is empty again.
    page.click(f"#document-{document['id']} form.remove button")
    page.wait_for_url("**ok=document_removed**")
    assert "Cuộc họp chưa có tài liệu." in page.inner_text("main")
    assert ok(api.get(f"{base}/documents"))["documents"] == []
    context.close()
