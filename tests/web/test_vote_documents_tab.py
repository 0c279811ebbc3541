"""The phone page's "Tài liệu" tab in a real browser on a 360-px phone, against a real server
process: the agenda with its files, a PDF read in the page as images fetched as the delegate
scrolls, a download under its Vietnamese name (stamped with the delegate's name when the
document asks it), and a clear message when a file is gone, the server unreachable or the link
replaced."""

from __future__ import annotations

import os
import re
import subprocess
import time
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from document_files import numbered_pdf
from e2e.browser_support import launch_chromium, wait_until
from e2e.e2e_server import STARTUP_SECONDS, Server, attendance_command, free_port
from pypdf import PdfReader

pytestmark = pytest.mark.slow

TOKEN = "web-vote-documents-admin-token-0123456789"
DELEGATE = "Trương Thị Mỹ Duyên"
REPORT_NAME = "Báo cáo tình hình kinh tế - xã hội quý IV.pdf"
PAGES = 8  # more than fit the first screens: the last pages load only when scrolled to
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture
def server(database_url: str, tmp_path: Path, model_cache: Path) -> Iterator[Server]:
    """`attendance serve` on this test's database (either backend), its documents folder
    in tmp_path; stopped afterwards (tests/e2e/conftest.py's start_server, for one server)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEND_")}
    env |= {
        "ATTEND_DB_URL": database_url,
        "ATTEND_ADMIN_TOKEN": TOKEN,
        "ATTEND_MODELS__CACHE_DIR": str(model_cache),
        "ATTEND_DOCUMENTS__DIR": str(tmp_path / "documents"),
    }
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        command = [attendance_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=out, stderr=out)
    running = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the server did not answer /healthz"
            try:
                if httpx.get(f"{running.url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield running
    finally:
        running.stop()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


class Meeting:
    """A meeting today with one delegate checked in (so they have a voting link)."""

    def __init__(self, server: Server, title: str) -> None:
        self.admin = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
        )
        self.person = ok(self.admin.post("/api/v1/people", json={"full_name": DELEGATE}), 201)
        day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
        body = {
            "title": title,
            "starts_at": day.replace(hour=0, minute=0).isoformat(),
            "ends_at": day.replace(hour=23, minute=59).isoformat(),
        }
        self.id = ok(self.admin.post("/api/v1/meetings", json=body), 201)["id"]
        self.url = f"/api/v1/meetings/{self.id}"
        ok(self.admin.put(f"{self.url}/participants", json={"person_ids": [self.person["id"]]}))
        check_in = {"person_id": self.person["id"], "source": "cửa A", "idempotency_key": title}
        event = ok(self.admin.post(f"{self.url}/checkins", json=check_in), 201)
        self.token = event["voting_url"].split("#", 1)[1]
        self.link = server.url + "/vote#" + self.token

    def agenda_item(self, title: str) -> int:
        item: int = ok(self.admin.post(f"{self.url}/agenda", json={"title": title}), 201)["id"]
        return item

    def upload(self, title: str, name: str, data: bytes, **fields: str) -> dict[str, Any]:
        files = {"file": (name, data, "application/octet-stream")}
        form = {"title": title, **fields}
        document: dict[str, Any] = ok(
            self.admin.post(f"{self.url}/documents", data=form, files=files), 201
        )
        return document


def phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, accept_downloads=True
    )
    return context.new_page()


def decoded(selector: str) -> str:
    """A script that holds once an image under `selector` is decoded (naturalWidth > 0)."""
    images = f"[...document.querySelectorAll('{selector} img')]"
    return f"{images}.some(i => i.complete && i.naturalWidth > 0)"


def test_delegate_reads_and_downloads_the_meetings_documents_on_a_phone(
    server: Server, browser: Any
) -> None:
    meeting = Meeting(server, "Kỳ họp thứ 7 HĐND phường Bến Nghé")
    budget = meeting.agenda_item("Dự toán ngân sách năm 2027")
    meeting.agenda_item("Chương trình giám sát")
    report = numbered_pdf(PAGES, "Bao cao quy IV")
    listed = meeting.upload(
        "Báo cáo tình hình kinh tế - xã hội",
        REPORT_NAME,
        report,
        agenda_item_id=str(budget),
        visibility="members",
    )
    meeting.upload(
        "Dự thảo nghị quyết (mật)",
        "Dự thảo nghị quyết.pdf",
        numbered_pdf(2, "Du thao"),
        agenda_item_id=str(budget),
        watermark="true",
    )
    meeting.upload("Chương trình kỳ họp", "Chương trình.pdf", numbered_pdf(1, "Chuong trinh"))
    elsewhere = Meeting(server, "Cuộc họp giao ban tuần")
    other = elsewhere.upload("Tài liệu của cuộc họp khác", "khác.pdf", numbered_pdf(1, "Khac"))
    # The link opens its own meeting's documents only: another meeting's file is missing to it.
    foreign = httpx.get(
        f"{server.url}{elsewhere.url}/documents/{other['id']}",
        headers={"Authorization": f"Bearer {meeting.token}"},
    )
    assert foreign.status_code == 404

    page = phone(browser)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(meeting.link)
    page.get_by_text(DELEGATE).wait_for()
    page.get_by_role("tab", name="Tài liệu").click()
    # The meeting's own file first, then the agenda in order, each item with its files.
    page.locator("#docs-meeting").get_by_text("Chương trình kỳ họp").wait_for()
    headings = page.locator("#docs-list h2").all_inner_texts()
    assert headings == [
        "Tài liệu chung của cuộc họp",
        "1. Dự toán ngân sách năm 2027",
        "2. Chương trình giám sát",
    ]
    item = page.locator(f"#agenda-{budget}")
    card = item.locator(f"#doc-{listed['id']}")
    assert "Báo cáo tình hình kinh tế - xã hội" in card.inner_text()
    facts = card.locator(".facts").first.inner_text()
    assert re.fullmatch(rf"PDF · \d+ KB · {PAGES} trang", facts), facts
    assert page.get_by_text("Tài liệu của cuộc họp khác").count() == 0
    assert page.get_by_text("Chưa có tài liệu.").count() == 1  # the second item has none
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    card.get_by_role("button", name="Xem").click()
    page.locator("#page-1 img").wait_for(state="attached")
    wait_until(page, decoded("#page-1"), 30)
    assert page.locator("#page-of").inner_text() == f"Trang 1/{PAGES}"
    # The pages' CSS width on a 2x screen, asked in the server's steps of 80 px: sharp.
    wide = page.evaluate("document.querySelector('.pages').clientWidth")
    width = -(-wide * 2 // 80) * 80
    assert 640 <= width <= 720
    assert any(f"/documents/{listed['id']}/pages/1?width={width}" in url for url in asked)
    assert page.evaluate("document.querySelector('#page-1 img').naturalWidth") >= width - 2
    assert page.locator(f"#page-{PAGES} img").count() == 0  # not fetched before it is near
    page.locator(f"#page-{PAGES}").scroll_into_view_if_needed()
    wait_until(page, decoded(f"#page-{PAGES}"), 30)
    wait_until(
        page, f"document.getElementById('page-of').textContent === 'Trang {PAGES}/{PAGES}'", 5
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.go_back()  # the phone's back gesture closes the viewer, not the page
    card.get_by_role("button", name="Xem").wait_for()
    assert page.locator("#viewer").is_hidden()
    card.get_by_role("button", name="Xem").click()
    page.get_by_role("button", name="← Danh sách tài liệu").click()
    card.get_by_role("button", name="Tải về").wait_for()

    with page.expect_download() as download:
        card.get_by_role("button", name="Tải về").click()
    saved = download.value
    assert saved.suggested_filename == REPORT_NAME
    assert Path(saved.path()).read_bytes() == report
    card.get_by_text("Đã tải về: " + REPORT_NAME).wait_for()
    reads = ok(meeting.admin.get(f"{meeting.url}/documents/{listed['id']}/reads"))["reads"]
    assert [(r["name"], r["what"], r["version"]) for r in reads if r["what"] == "file"] == [
        (DELEGATE, "file", 1)
    ]

    secret = item.locator(".doc", has_text="Dự thảo nghị quyết (mật)")
    with page.expect_download() as download:
        secret.get_by_role("button", name="Tải về").click()
    stamped = PdfReader(BytesIO(Path(download.value.path()).read_bytes()))
    assert len(stamped.pages) == 2
    for sheet in stamped.pages:
        text = unicodedata.normalize("NFC", sheet.extract_text())
        assert DELEGATE in text

    # A poll opened while the delegate reads: a dot on "Biểu quyết", the page left as it is.
    polls = f"{meeting.url}/polls"
    poll = ok(meeting.admin.post(polls, json={"title": "Góp ý dự toán", "kind": "opinion"}), 201)
    ok(meeting.admin.post(f"{polls}/{poll['id']}/open"))
    page.locator("#tab-vote.news").wait_for(timeout=10_000)
    assert page.locator("#docs-panel").is_visible()
    page.get_by_role("tab", name="Biểu quyết").click()
    assert page.locator("#tab-vote.news").count() == 0
    page.get_by_label("Ý kiến không đồng ý").check()
    page.locator(f"#poll-{poll['id']} textarea").fill("Đề nghị giảm chi thường xuyên.")
    with page.expect_request(lambda r: r.method == "POST" and "/opinions" in r.url) as sent:
        page.get_by_role("button", name="Gửi ý kiến").click()
    assert sent.value.post_data_json == {
        "text": "Đề nghị giảm chi thường xuyên.",
        "stance": "object",
    }
    page.get_by_text("Đã gửi ý kiến. Xin cảm ơn.").wait_for()
    opinions = ok(meeting.admin.get(f"{polls}/{poll['id']}/opinions"))
    assert [o["stance"] for o in opinions] == ["object"]
    page.close()


def test_documents_tab_says_why_when_a_file_is_gone_the_server_down_or_the_link_replaced(
    server: Server, browser: Any
) -> None:
    meeting = Meeting(server, "Họp Ban Thường vụ")
    gone = meeting.upload("Tờ trình số 12", "Tờ trình 12.pdf", numbered_pdf(1, "To trinh"))
    page = phone(browser)
    page.goto(meeting.link)
    page.get_by_role("tab", name="Tài liệu").click()
    page.get_by_text("Tờ trình số 12").wait_for()
    assert meeting.admin.delete(f"{meeting.url}/documents/{gone['id']}").status_code == 204
    page.locator(f"#doc-{gone['id']}").get_by_role("button", name="Tải về").click()
    page.get_by_text("Không tìm thấy tài liệu này").wait_for()
    page.get_by_text("Cuộc họp chưa có tài liệu nào.").wait_for()  # the list as it now is

    # A new link for the same delegate: the old one opens nothing, and says so.
    body = {"person_id": meeting.person["id"]}
    ok(meeting.admin.post(f"{meeting.url}/voting-passes", json=body), 201)
    page.get_by_role("tab", name="Biểu quyết").click()
    page.get_by_text("Liên kết bỏ phiếu không hợp lệ hoặc đã được thay").wait_for(timeout=10_000)
    assert page.get_by_role("tab", name="Tài liệu").is_hidden()
    page.close()

    fresh = Meeting(server, "Họp giao ban")
    fresh.upload("Báo cáo tuần", "Báo cáo tuần.pdf", numbered_pdf(1, "Bao cao"))
    page = phone(browser)
    page.goto(fresh.link + "x")  # a link that was never issued
    page.get_by_text("Liên kết bỏ phiếu không hợp lệ").wait_for()
    assert page.locator("#tabs").is_hidden()  # no tab that can only fail
    page.goto(fresh.link)
    page.get_by_role("tab", name="Tài liệu").wait_for()
    server.stop()
    page.get_by_role("tab", name="Tài liệu").click()
    page.get_by_text("Không kết nối được máy chủ").wait_for()
    assert page.get_by_text("Cannot reach the server").count() == 1  # both languages
    assert page.get_by_role("button", name="Thử lại").is_visible()
    page.close()
