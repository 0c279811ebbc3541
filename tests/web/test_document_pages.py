"""The secretary's documents pages: upload by agenda item, new versions, order, details,
removal, refusals shown on the page, who read what, and what a viewer may do."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from document_files import pdf_bytes
from fastapi.testclient import TestClient
from test_account_pages import make_account, sign_in_as
from web_support import ADMIN_TOKEN, ORIGIN, create_meeting, followed, post, sign_in, text_of

from attendance.settings import DocumentSettings

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def documents_dir(tmp_path: Path) -> Path:
    return tmp_path / "documents"


@pytest.fixture
def secretary(make_client: Callable[..., TestClient], documents_dir: Path) -> TestClient:
    """The admin, signed in, with the documents kept under the test's own folder."""
    client = make_client(documents=DocumentSettings(dir=documents_dir))
    sign_in(client)
    return client


def upload(
    client: TestClient,
    meeting_id: int,
    data: bytes,
    filename: str = "Báo cáo tình hình.pdf",
    **fields: str,
) -> httpx.Response:
    return client.post(
        f"/meetings/{meeting_id}/documents",
        files={"file": (filename, data, "application/octet-stream")},
        data={"title": "", "agenda_item_id": "", "visibility": "members", **fields},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )


def listed(client: TestClient, meeting_id: int) -> list[dict[str, object]]:
    response = client.get(f"/api/v1/meetings/{meeting_id}/documents", headers=BEARER)
    assert response.status_code == 200, response.text
    return list(response.json()["documents"])


def agenda_item(client: TestClient, meeting_id: int, title: str) -> int:
    url = f"/api/v1/meetings/{meeting_id}/agenda"
    response = client.post(url, json={"title": title}, headers=BEARER)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def rows_in_order(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="document-(\d+)" class="document">', page)]


def kept_files(documents_dir: Path) -> list[Path]:
    """The documents' files: not those being written, nor the folder's lock file."""
    return [p for p in documents_dir.glob("*/*") if p.is_file() and p.parent.name != ".incoming"]


def test_an_upload_is_listed_under_its_agenda_item_with_its_details(
    secretary: TestClient,
) -> None:
    meeting_id = create_meeting(secretary)
    item = agenda_item(secretary, meeting_id, "Kế hoạch phát triển kinh tế - xã hội năm 2027")
    meeting_page = secretary.get(f"/meetings/{meeting_id}").text
    assert f'href="/meetings/{meeting_id}/documents"' in meeting_page

    invitation = pdf_bytes("Trang 1", "Trang 2")
    first = upload(secretary, meeting_id, invitation, title="Giấy mời họp")
    assert first.status_code == 303, text_of(first.text)
    done = followed(secretary, first)
    assert "Đã thêm tài liệu." in done.text
    second = upload(
        secretary,
        meeting_id,
        pdf_bytes("Du thao"),
        filename="Dự thảo kế hoạch.pdf",
        agenda_item_id=str(item),
        visibility="members",  # public with a watermark is refused
        watermark="on",
    )
    assert second.status_code == 303, text_of(second.text)

    page = secretary.get(f"/meetings/{meeting_id}/documents")
    text = text_of(page.text)
    assert "Tài liệu chung của cuộc họp" in text
    assert "Nội dung 1: Kế hoạch phát triển kinh tế - xã hội năm 2027" in text
    assert text.index("Giấy mời họp") < text.index("Nội dung 1:") < text.index("Dự thảo kế hoạch")
    assert "Báo cáo tình hình.pdf PDF" in text and "2 trang" in text and "bản 1" in text
    assert "Chỉ đại biểu" in text and "Công khai (cả màn hình phòng họp)" in text
    assert "Đóng dấu tên người đọc" in text  # the second one only
    assert text.count("Đóng dấu tên người đọc") == 1
    # Left empty, the title is the file's name without its extension.
    documents = listed(secretary, meeting_id)
    assert [d["title"] for d in documents] == ["Giấy mời họp", "Dự thảo kế hoạch"]
    assert documents[1]["agenda_item_id"] == item and documents[1]["watermark"] is True
    # The download link on the page gives the file back, its Vietnamese name kept.
    first_id = documents[0]["id"]
    link = f"/api/v1/meetings/{meeting_id}/documents/{first_id}"
    assert f'href="{link}"' in page.text
    got = secretary.get(link)
    assert got.status_code == 200 and got.content == invitation
    assert "B%C3%A1o%20c%C3%A1o" in got.headers["content-disposition"]


def test_a_new_version_replaces_the_shown_file_and_the_earlier_stays_downloadable(
    secretary: TestClient,
) -> None:
    meeting_id = create_meeting(secretary)
    older = pdf_bytes("Ban 1")
    assert upload(secretary, meeting_id, older, title="Tờ trình").status_code == 303
    document_id = listed(secretary, meeting_id)[0]["id"]
    url = f"/meetings/{meeting_id}/documents/{document_id}/versions"
    newer = pdf_bytes("Ban 2", "Phu luc")
    sent = secretary.post(
        url,
        files={"file": ("Tờ trình (sửa).pdf", newer)},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert sent.status_code == 303, text_of(sent.text)
    assert sent.headers["location"].endswith(f"ok=document_version#document-{document_id}")
    page = followed(secretary, sent).text
    text = text_of(page)
    assert "Đã thay bản mới." in text and "Tờ trình (sửa).pdf" in text and "bản 2" in text
    assert "Các bản trước (1)" in text
    earlier = f"/api/v1/meetings/{meeting_id}/documents/{document_id}?version=1"
    assert html.escape(earlier) in page or earlier in page
    assert secretary.get(earlier).content == older
    api = f"/api/v1/meetings/{meeting_id}/documents/{document_id}"
    assert secretary.get(api).content == newer


def test_documents_move_up_and_down_within_their_group_once_per_click(
    secretary: TestClient,
) -> None:
    meeting_id = create_meeting(secretary)
    for title in ("Một", "Hai", "Ba"):
        assert upload(secretary, meeting_id, pdf_bytes("Trang"), title=title).status_code == 303
    one, two, three = (d["id"] for d in listed(secretary, meeting_id))
    page = secretary.get(f"/meetings/{meeting_id}/documents").text
    assert rows_in_order(page) == [one, two, three]
    move = f'action="/meetings/{meeting_id}/documents/{{}}/move" class="inline move-{{}}"'
    assert move.format(one, "up") not in page and move.format(one, "down") in page
    assert move.format(three, "down") not in page and move.format(three, "up") in page
    position = re.search(
        rf'action="/meetings/{meeting_id}/documents/{three}/move".*?name="position" value="(\d+)"',
        page,
        re.S,
    )
    assert position
    form = {"direction": "up", "position": position.group(1)}
    moved = post(secretary, f"/meetings/{meeting_id}/documents/{three}/move", form)
    assert moved.status_code == 303
    assert rows_in_order(followed(secretary, moved).text) == [one, three, two]
    # The same click sent again (a double click) finds it moved already.
    post(secretary, f"/meetings/{meeting_id}/documents/{three}/move", form)
    assert [d["id"] for d in listed(secretary, meeting_id)] == [one, three, two]
    down = post(secretary, f"/meetings/{meeting_id}/documents/{one}/move", {"direction": "down"})
    assert rows_in_order(followed(secretary, down).text) == [three, one, two]
    # The first one has no "up" button; asked anyway, nothing changes.
    post(secretary, f"/meetings/{meeting_id}/documents/{three}/move", {"direction": "up"})
    assert [d["id"] for d in listed(secretary, meeting_id)] == [three, one, two]


def test_details_change_the_title_item_visibility_and_watermark(secretary: TestClient) -> None:
    meeting_id = create_meeting(secretary)
    item = agenda_item(secretary, meeting_id, "Công tác cán bộ")
    assert upload(secretary, meeting_id, pdf_bytes("Mat")).status_code == 303
    document_id = listed(secretary, meeting_id)[0]["id"]
    url = f"/meetings/{meeting_id}/documents/{document_id}/details"
    form = {
        "title": "Danh sách nhân sự (mật)",
        "agenda_item_id": str(item),
        "visibility": "members",
        "watermark": "on",
    }
    saved = post(secretary, url, form)
    assert saved.status_code == 303
    assert "Đã lưu thông tin tài liệu." in followed(secretary, saved).text
    document = listed(secretary, meeting_id)[0]
    assert document["title"] == "Danh sách nhân sự (mật)"
    assert document["agenda_item_id"] == item and document["watermark"] is True
    wrong = post(secretary, url, {**form, "visibility": "everyone"})
    assert wrong.status_code == 422
    assert "Chọn ai được xem" in html.unescape(wrong.text) and "members only or public" in (
        html.unescape(wrong.text)
    )
    empty = post(secretary, url, {**form, "title": "   "})
    assert 400 <= empty.status_code < 500 and "<html" in empty.text
    assert listed(secretary, meeting_id)[0]["title"] == "Danh sách nhân sự (mật)"


def test_removing_a_document_takes_it_and_its_file_away(
    secretary: TestClient, documents_dir: Path
) -> None:
    meeting_id = create_meeting(secretary)
    assert upload(secretary, meeting_id, pdf_bytes("Xoa"), title="Bỏ đi").status_code == 303
    assert upload(secretary, meeting_id, pdf_bytes("Giu"), title="Giữ lại").status_code == 303
    gone, kept = (d["id"] for d in listed(secretary, meeting_id))
    page = secretary.get(f"/meetings/{meeting_id}/documents").text
    confirm = re.search(rf'action="/meetings/{meeting_id}/documents/{gone}/remove"[^>]*>', page)
    assert confirm and "data-confirm=" in confirm.group(0)  # the page asks first (app.js)
    removed = post(secretary, f"/meetings/{meeting_id}/documents/{gone}/remove", {})
    assert removed.status_code == 303
    text = text_of(followed(secretary, removed).text)
    assert "Đã xóa tài liệu." in text and "Bỏ đi" not in text and "Giữ lại" in text
    assert [d["id"] for d in listed(secretary, meeting_id)] == [kept]
    files = kept_files(documents_dir)
    assert len(files) == 1  # the removed one's file is erased, the other's kept
    audit = text_of(secretary.get(f"/meetings/{meeting_id}/audit").text)
    assert "Tải lên tài liệu" in audit and "Xóa tài liệu" in audit  # not the service's codes
    again = post(secretary, f"/meetings/{meeting_id}/documents/{gone}/remove", {})
    assert again.status_code == 404 and "<html" in again.text


def test_a_viewer_reads_and_downloads_but_cannot_change_anything(
    secretary: TestClient,
) -> None:
    meeting_id = create_meeting(secretary)
    report = pdf_bytes("Doc")
    assert upload(secretary, meeting_id, report, title="Báo cáo").status_code == 303
    document_id = listed(secretary, meeting_id)[0]["id"]
    viewer = make_account(secretary, "xem.tailieu", role="viewer")
    staff = {"account_ids": [viewer]}
    assigned = secretary.put(f"/api/v1/meetings/{meeting_id}/staff", json=staff, headers=BEARER)
    assert assigned.status_code == 200, assigned.text
    secretary.cookies.clear()
    assert sign_in_as(secretary, "xem.tailieu").status_code == 303
    page = secretary.get(f"/meetings/{meeting_id}/documents")
    assert page.status_code == 200 and "Báo cáo" in page.text
    assert 'id="upload-form"' not in page.text and "/remove" not in page.text
    assert "/move" not in page.text and "/versions" not in page.text and "/reads" not in page.text
    got = secretary.get(f"/api/v1/meetings/{meeting_id}/documents/{document_id}")
    assert got.status_code == 200 and got.content == report
    base = f"/meetings/{meeting_id}/documents"
    attempts = [
        upload(secretary, meeting_id, pdf_bytes("Khac")),
        post(secretary, f"{base}/{document_id}/remove", {}),
        post(secretary, f"{base}/{document_id}/move", {"direction": "down"}),
        post(secretary, f"{base}/{document_id}/details", {"title": "Đổi", "visibility": "public"}),
        secretary.post(
            f"{base}/{document_id}/versions",
            files={"file": ("b.pdf", pdf_bytes("B"))},
            headers={"Origin": ORIGIN},
        ),
        secretary.get(f"{base}/{document_id}/reads"),
    ]
    assert [a.status_code for a in attempts] == [403] * 6
    assert "not allowed" in attempts[0].text
    secretary.cookies.clear()
    sign_in(secretary)
    assert [(d["id"], d["title"]) for d in listed(secretary, meeting_id)] == [
        (document_id, "Báo cáo")
    ]


def test_who_read_it_lists_each_delegate_read(secretary: TestClient) -> None:
    meeting_id = create_meeting(secretary)
    person = secretary.post(
        "/api/v1/people", json={"full_name": "Lê Văn Cường"}, headers=BEARER
    ).json()["id"]
    roster = {"person_ids": [person]}
    base = f"/api/v1/meetings/{meeting_id}"
    assert secretary.put(f"{base}/participants", json=roster, headers=BEARER).status_code == 200
    assert upload(secretary, meeting_id, pdf_bytes("Doc"), title="Báo cáo").status_code == 303
    document_id = listed(secretary, meeting_id)[0]["id"]
    reads_url = f"/meetings/{meeting_id}/documents/{document_id}/reads"
    empty = secretary.get(reads_url)
    assert empty.status_code == 200
    assert "Chưa có đại biểu nào đọc tài liệu này." in empty.text
    passed = secretary.post(f"{base}/voting-passes", json={"person_id": person}, headers=BEARER)
    assert passed.status_code == 201, passed.text
    link = {"Authorization": f"Bearer {passed.json()['token']}"}
    got = secretary.get(f"{base}/documents/{document_id}", headers=link)
    assert got.status_code == 200, got.text
    page = secretary.get(reads_url)
    text = text_of(page.text)
    assert "Ai đã đọc: Báo cáo" in text
    row = re.search(r"1 Lê Văn Cường 1 (\d\d/\d\d/\d{4} \d\d:\d\d) Tải tệp", text)
    assert row, text
    assert (
        f'href="/meetings/{meeting_id}/documents/{document_id}/reads"'
        in secretary.get(f"/meetings/{meeting_id}/documents").text
    )
    english = text_of(secretary.get(reads_url + "?lang=en").text)
    assert "Who read it: Báo cáo" in english and "Lê Văn Cường 1" in english


def test_the_page_in_english_and_a_post_address_opened_again(secretary: TestClient) -> None:
    meeting_id = create_meeting(secretary)
    page = text_of(secretary.get(f"/meetings/{meeting_id}/documents?lang=en").text)
    assert "This meeting has no documents yet." in page and "Add a document" in page
    assert "the type is checked by content" in page
    assert upload(secretary, meeting_id, pdf_bytes("x"), title="Một").status_code == 303
    document_id = listed(secretary, meeting_id)[0]["id"]
    for action in ("versions", "details", "move", "remove"):
        opened = secretary.get(
            f"/meetings/{meeting_id}/documents/{document_id}/{action}", follow_redirects=False
        )
        assert opened.status_code == 303
        assert opened.headers["location"] == f"/meetings/{meeting_id}/documents"
    missing = secretary.get("/meetings/999999/documents")
    assert missing.status_code == 404 and "<html" in missing.text
