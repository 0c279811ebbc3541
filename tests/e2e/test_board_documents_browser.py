"""The room's screen in a real browser, with only the board's key: the public documents are
listed (never the members-only ones), a link downloads the file itself, and a document made
public during the meeting appears at the board's next change without a reload."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import launch_chromium, wait_until
from document_files import numbered_pdf, pdf_bytes
from e2e_server import StartServer

from attendance.board_links import issue_board_link
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.documents.service import Upload, add_document, update_document
from attendance.documents.store import DocumentStore
from attendance.documents.tables import MEMBERS, PUBLIC
from attendance.settings import DocumentSettings

pytestmark = pytest.mark.slow

TOKEN = "e2e-board-documents-token-0123456789"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_the_rooms_screen_lists_and_downloads_public_documents(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    folder = tmp_path / "documents"
    server = start_server(database_url, TOKEN, settings={"ATTEND_DOCUMENTS__DIR": str(folder)})
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    person = api.post("/api/v1/people", json={"full_name": "Nguyễn Văn An"}).json()["id"]
    starts = datetime.now(timezone.utc) - timedelta(minutes=5)
    meeting_id = api.post(
        "/api/v1/meetings",
        json={
            "title": "Kỳ họp thứ 9",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
        },
    ).json()["id"]
    api.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": [person]})
    agenda = numbered_pdf(2, "Chuong trinh ky hop")
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    limits = DocumentSettings(dir=folder)
    with unit_of_work(factory) as session:
        shown, secret = (
            add_document(
                session,
                DocumentStore(folder),
                limits,
                meeting_id=meeting_id,
                title=title,
                upload=Upload(filename=f"{title}.pdf", data=data),
                actor="Thư ký Lê",
                visibility=visibility,
            ).document.id
            for title, data, visibility in (
                ("Chương trình kỳ họp", agenda, PUBLIC),
                ("Tờ trình nhân sự", pdf_bytes("mat"), MEMBERS),
            )
        )
        key = issue_board_link(session, meeting_id=meeting_id, actor="Thư ký Lê")

    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/board/{meeting_id}?key={key}")
    assert page.inner_text("#documents h2") == "Tài liệu công khai"
    assert page.locator("#document-list a").all_inner_texts() == ["Chương trình kỳ họp"]
    assert "Tờ trình nhân sự" not in page.content()

    with page.expect_download() as download:
        page.click("#document-list a")
    assert Path(download.value.path()).read_bytes() == agenda

    # Made public during the meeting: on the screen at the board's next change (a check-in).
    with unit_of_work(factory) as session:
        update_document(
            session, meeting_id=meeting_id, document_id=secret, actor="Thư ký Lê", visibility=PUBLIC
        )
    engine.dispose()
    checkin = {"person_id": person, "source": "cửa A", "idempotency_key": "board-documents-1"}
    assert api.post(f"/api/v1/meetings/{meeting_id}/checkins", json=checkin).status_code == 201
    wait_until(page, "document.querySelectorAll('#document-list li').length === 2", timeout=15)
    titles = page.locator("#document-list a").all_inner_texts()
    assert titles == ["Chương trình kỳ họp", "Tờ trình nhân sự"]
    assert shown != secret
    context.close()
