"""The room's board lists the meeting's public documents (never the members-only ones), each
with a link that downloads it with the board's key."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path
from urllib.parse import quote

from document_files import pdf_bytes
from fastapi.testclient import TestClient
from web_support import create_meeting, post, sign_in

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.documents.service import Upload, add_document
from attendance.documents.store import DocumentStore
from attendance.documents.tables import MEMBERS, PUBLIC
from attendance.settings import DocumentSettings


def upload(database_url: str, root: Path, meeting_id: int, title: str, visibility: str) -> int:
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        view = add_document(
            session,
            DocumentStore(root),
            DocumentSettings(dir=root),
            meeting_id=meeting_id,
            title=title,
            upload=Upload(filename=f"{title}.pdf", data=pdf_bytes(title.encode().hex())),
            actor="Thư ký Lê",
            visibility=visibility,
        )
    engine.dispose()
    return view.document.id


def board_key(secretary: TestClient, meeting_id: int) -> str:
    issued = post(secretary, f"/meetings/{meeting_id}/board-link", {})
    match = re.search(r'id="board-link" href="[^"]*\?key=([^"]+)"', issued.text)
    assert match
    return unescape(match.group(1))


def listed(html: str) -> list[tuple[str, str]]:
    """(link, title) of each entry of the board's documents list."""
    section = re.search(r'<ol id="document-list">(.*?)</ol>', html, re.S)
    assert section
    return [
        (unescape(href), unescape(title))
        for href, title in re.findall(r'<a href="([^"]+)" download>([^<]+)</a>', section.group(1))
    ]


def test_the_board_lists_public_documents_only_with_the_boards_key(
    make_client: Callable[..., TestClient], database_url: str, tmp_path: Path
) -> None:
    secretary = make_client()
    sign_in(secretary)
    meeting_id = create_meeting(secretary, "Kỳ họp thứ 9")
    root = tmp_path / "documents"
    shown = upload(database_url, root, meeting_id, "Chương trình kỳ họp", PUBLIC)
    upload(database_url, root, meeting_id, "Tờ trình mật về nhân sự", MEMBERS)
    key = board_key(secretary, meeting_id)

    screen = make_client()  # the room's computer: no session, only the key
    page = screen.get(f"/board/{meeting_id}", params={"key": key})

    assert page.status_code == 200
    assert "Tài liệu công khai" in page.text
    link = f"/api/v1/meetings/{meeting_id}/documents/{shown}?key={quote(key, safe='')}"
    assert listed(page.text) == [(link, "Chương trình kỳ họp")]
    assert "Tờ trình mật" not in page.text
    # Staff opening the board see what the hall sees: the public list, no key in the link.
    staff_page = secretary.get(f"/board/{meeting_id}")
    assert listed(staff_page.text) == [
        (f"/api/v1/meetings/{meeting_id}/documents/{shown}", "Chương trình kỳ họp")
    ]
    assert "Tờ trình mật" not in staff_page.text


def test_a_board_without_public_documents_hides_the_list(
    make_client: Callable[..., TestClient], database_url: str, tmp_path: Path
) -> None:
    secretary = make_client()
    sign_in(secretary)
    meeting_id = create_meeting(secretary, "Giao ban")
    upload(database_url, tmp_path / "documents", meeting_id, "Dự thảo nội bộ", MEMBERS)

    page = secretary.get(f"/board/{meeting_id}")

    assert re.search(r'<section id="documents" hidden', page.text)
    assert listed(page.text) == []
    assert "Dự thảo nội bộ" not in page.text
