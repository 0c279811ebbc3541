"""Document uploads refused: their reason, and nothing left behind (split from
test_api_documents.py; its fixtures and helpers are imported from there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from document_files import numbered_pdf
from fastapi.testclient import TestClient
from test_api_documents import MIB, meeting, rows, stored, upload
from test_api_documents import client as client
from test_api_documents import folder as folder


@pytest.mark.parametrize(
    ("name", "data", "status", "reason"),
    [
        ("bien-ban.pdf", b"MZ\x90\x00\x03" + bytes(2000), 415, "DOCUMENT_TYPE"),
        ("hong.pdf", b"%PDF-1.7\n" + b"\x00junk\xff" * 300, 422, "DOCUMENT_BROKEN"),
        ("cut.pdf", numbered_pdf(3)[:1500], 422, "DOCUMENT_BROKEN"),
        ("rong.pdf", b"", 422, "DOCUMENT_EMPTY"),
        ("lon.png", b"\x89PNG\r\n\x1a\n" + bytes(MIB), 413, "DOCUMENT_TOO_LARGE"),
    ],
)
def test_a_refused_upload_is_answered_with_its_reason_and_leaves_nothing(
    client: TestClient,
    database_url: str,
    folder: Path,
    name: str,
    data: bytes,
    status: int,
    reason: str,
) -> None:
    meeting_id = meeting(client)
    answer = upload(client, meeting_id, name, data)
    assert answer.status_code == status, answer.text
    assert answer.json()["reason"] == reason
    detail = answer.json()["detail"]
    assert detail.split(". ")[0] != detail  # Vietnamese first, then English
    assert rows(database_url) == (0, 0, 0)
    assert stored(folder) == set()


def test_too_large_by_content_length_per_meeting_and_without_a_file(
    client: TestClient, database_url: str, folder: Path
) -> None:
    meeting_id = meeting(client)
    base = f"/api/v1/meetings/{meeting_id}/documents"
    huge = client.post(
        base,
        content=b"x" * (2 * MIB),
        headers={"Content-Type": "multipart/form-data; boundary=abc"},
    )
    assert huge.status_code == 413 and huge.json()["reason"] == "DOCUMENT_TOO_LARGE", huge.text
    assert "1 MB" in huge.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'--abc\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        for _ in range(40):
            yield b"%" * (64 * 1024)

    streamed = client.post(
        base, content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=abc"}
    )
    assert streamed.status_code == 413, streamed.text
    missing = client.post(base, data={"title": "Không có tệp"})
    assert missing.status_code == 422 and missing.json()["reason"] == "DOCUMENT_EMPTY"
    # Three of about 0.9 MiB fill the 3 MiB a meeting may hold; the fourth is refused.
    for n in range(3):
        big = b"\x89PNG\r\n\x1a\n" + bytes([n]) * (MIB - 100 * 1024)
        assert upload(client, meeting_id, f"anh-{n}.png", big).status_code == 201
    full = upload(client, meeting_id, "anh-3.png", b"\x89PNG\r\n\x1a\n" + bytes(400 * 1024))
    assert full.status_code == 413 and full.json()["reason"] == "MEETING_DOCUMENTS_FULL"
    assert rows(database_url)[:2] == (3, 3) and len(stored(folder)) == 3
