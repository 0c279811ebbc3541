"""The secretary's documents page refusing files: the wrong kind, a broken PDF, too large, and a
body past the server's own limit; nothing is kept (fixtures and helpers from
test_document_pages.py)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from document_files import pdf_bytes
from fastapi.testclient import TestClient
from test_document_pages import BEARER, documents_dir, kept_files, listed, upload
from web_support import ORIGIN, create_meeting, sign_in, text_of

from attendance.settings import DocumentSettings, LimitSettings

__all__ = ["documents_dir"]  # a fixture the tests here take, from test_document_pages.py


def test_refused_files_are_explained_on_the_page_and_nothing_is_kept(
    make_client: Callable[..., TestClient], documents_dir: Path
) -> None:
    client = make_client(documents=DocumentSettings(dir=documents_dir, max_file_mb=1))
    sign_in(client)
    meeting_id = create_meeting(client)
    exe = b"MZ\x90\x00" + bytes(200)
    renamed = upload(client, meeting_id, exe, filename="Báo cáo.pdf", title="Tệp lạ")
    assert renamed.status_code == 415, renamed.text
    assert renamed.headers["content-type"].startswith("text/html")
    page = html.unescape(renamed.text)
    assert 'class="flash error"' in page
    assert 'value="Tệp lạ"' in page  # what was typed stays in the form
    broken = upload(client, meeting_id, b"%PDF-1.7\n1 0 obj garbage", filename="Hỏng.pdf")
    assert broken.status_code == 422 and 'class="flash error"' in broken.text
    padded = pdf_bytes("x") + b"%" + bytes(1024 * 1024 + 10)
    big = upload(client, meeting_id, padded, filename="Lớn.pdf")
    assert big.status_code == 413 and 'class="flash error"' in big.text
    none = client.post(
        f"/meetings/{meeting_id}/documents",
        data={"title": "Không có tệp"},
        headers={"Origin": ORIGIN},
    )
    assert none.status_code == 422 and "No file was chosen" in none.text
    for refused in (renamed, broken, big, none):
        message = re.search(r'class="flash error"[^>]*>([^<]*)<', refused.text)
        assert message, refused.text
        words = html.unescape(message.group(1))
        assert re.search(r"[ăâđêôơưạảãáàệếềểễọỏõóòộốồổỗởờớợỡụủũúùứừửữựịỉĩíìỵỷỹýỳ]", words)
        assert re.search(r"\b(the|a|an|is|was|not|no)\b", words, re.I), words
    assert listed(client, meeting_id) == []
    assert not kept_files(documents_dir)
    limits = text_of(client.get(f"/meetings/{meeting_id}/documents").text)
    assert "Tối đa 1 MB một tệp, 500 MB cho mọi tệp của cuộc họp" in limits


def test_a_body_past_the_servers_limit_is_refused_with_a_page_too(
    make_client: Callable[..., TestClient], documents_dir: Path
) -> None:
    """Refused before the form is read (api/limits.py): back on the documents page itself,
    with its menu, the upload form and why, in both languages (usertest 14, finding 4)."""
    client = make_client(
        documents=DocumentSettings(dir=documents_dir, max_file_mb=1),
        limits=LimitSettings(max_upload_bytes=1024 * 1024),
    )
    sign_in(client)
    meeting_id = create_meeting(client)
    huge = upload(
        client, meeting_id, pdf_bytes("x") + b"%" + bytes(2 * 1024 * 1024), filename="Lớn.pdf"
    )
    assert huge.status_code == 303, huge.text
    target = f"/meetings/{meeting_id}/documents?refused=too_large#upload"
    assert huge.headers["location"] == target
    page = client.get(target)
    assert page.status_code == 200 and 'id="upload-form"' in page.text
    assert 'class="flash error"' in page.text and 'href="/meetings"' in page.text
    words = text_of(html.unescape(page.text))
    assert "Tệp quá lớn: mỗi tệp tối đa 1 MB" in words and "The file is too large" in words
    # The file field refuses such a file before it is sent (static/app.js).
    assert f'data-max-bytes="{1024 * 1024}"' in page.text
    assert listed(client, meeting_id) == []
    # A new version too large: the same; the API still answers JSON.
    report = upload(client, meeting_id, pdf_bytes("Doc"))
    assert report.status_code == 303, report.text
    document_id = listed(client, meeting_id)[0]["id"]
    version = client.post(
        f"/meetings/{meeting_id}/documents/{document_id}/versions",
        files={"file": ("Lớn.pdf", bytes(2 * 1024 * 1024))},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert version.status_code == 303 and version.headers["location"] == target
    api = client.post(
        f"/api/v1/meetings/{meeting_id}/documents",
        files={"file": ("Lớn.pdf", bytes(2 * 1024 * 1024))},
        data={"title": "Lớn"},
        headers=BEARER,
    )
    assert api.status_code == 413 and api.json()["reason"] == "DOCUMENT_TOO_LARGE"
    # Another page's upload past the limit still gets the error page.
    photo = client.post(
        "/people", files={"photo": ("a.jpg", bytes(2 * 1024 * 1024))}, headers={"Origin": ORIGIN}
    )
    assert photo.status_code == 413 and "/documents" not in photo.headers.get("location", "")
