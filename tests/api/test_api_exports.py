"""GET /meetings/{id}/export: files to download, bilingual errors, admins only."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import pytest
from api_support import create_meeting, create_people
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

TITLE = "Họp giao ban Sở Nội vụ"
NAMES = ["Nguyễn Văn Bình", "Lê Văn Ân", "Trần Thị Ánh", "Đỗ Thị Dung", "Trần Văn An"]
ORDER = ["Trần Văn An", "Trần Thị Ánh", "Lê Văn Ân", "Nguyễn Văn Bình", "Đỗ Thị Dung"]


@pytest.fixture
def meeting_id(client: TestClient) -> int:
    ids = create_people(client, NAMES)
    meeting_id = create_meeting(client, ids, title=TITLE, room="Phòng họp số 1")
    for person_id, at in zip(ids, ["08:00", "08:20", None, None, "08:03"]):
        if at is not None:
            body = {
                "person_id": person_id,
                "at": f"2026-03-02T{at}:00+07:00",
                "source": "thủ công",
                "idempotency_key": f"manual-{person_id}",
            }
            response = client.post(f"/api/v1/meetings/{meeting_id}/checkins", json=body)
            assert response.status_code == 201, response.text
    return meeting_id


def test_xlsx_download_is_an_attachment_with_a_vietnamese_file_name(
    client: TestClient, meeting_id: int
) -> None:
    response = client.get(f"/api/v1/meetings/{meeting_id}/export?format=xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="hop-giao-ban-so-noi-vu-2026-03-02.xlsx"')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == f"{TITLE} 2026-03-02.xlsx"
    assert disposition.isascii()
    assert response.headers["cache-control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(response.content))["Điểm danh"].values)
    assert [r[1] for r in rows[1:]] == ORDER
    assert [(r[4], r[5]) for r in rows[1:]] == [
        ("08:03", "Có mặt"),
        (None, "Vắng mặt"),
        ("08:20", "Đi muộn"),
        ("08:00", "Có mặt"),
        (None, "Vắng mặt"),
    ]


def test_attendance_list_and_exports_share_one_order(client: TestClient, meeting_id: int) -> None:
    listed = client.get(f"/api/v1/meetings/{meeting_id}/attendance").json()
    assert [row["person"]["full_name"] for row in listed] == ORDER
    response = client.get(f"/api/v1/meetings/{meeting_id}/export?format=csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ORDER


def test_pdf_download_holds_the_report_and_the_minutes(client: TestClient, meeting_id: int) -> None:
    response = client.get(f"/api/v1/meetings/{meeting_id}/export?format=pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert TITLE in text and "Phòng họp số 1" in text and "BIÊN BẢN" in text
    assert "Có mặt: 3/5 đại biểu (đúng giờ: 2, đi muộn: 1)" in text
    assert "Không có biểu quyết" in text


def test_unknown_format_is_a_bilingual_422(client: TestClient, meeting_id: int) -> None:
    response = client.get(f"/api/v1/meetings/{meeting_id}/export?format=docx")
    assert response.status_code == 422
    body = response.json()
    assert body["reason"] == "UNKNOWN_EXPORT_FORMAT"
    assert body["detail"].startswith("Định dạng xuất 'docx' không được hỗ trợ")
    assert "is not supported" in body["detail"]
    missing = client.get(f"/api/v1/meetings/{meeting_id}/export")
    assert missing.status_code == 422 and missing.json()["reason"] == "INVALID_REQUEST"


def test_unknown_meeting_is_404(client: TestClient, meeting_id: int) -> None:
    for unknown in (meeting_id + 1, 2**70):
        response = client.get(f"/api/v1/meetings/{unknown}/export?format=pdf")
        assert response.status_code == 404, response.text
        assert response.json()["reason"] == "NOT_FOUND"


def test_kiosk_token_cannot_export(client: TestClient, meeting_id: int) -> None:
    # The kiosk serves this very room, and still may not export its meetings.
    issued = client.post("/api/v1/kiosk-tokens", json={"name": "cửa-A", "room": "Phòng họp số 1"})
    assert issued.status_code == 201, issued.text
    headers = {"Authorization": f"Bearer {issued.json()['token']}"}
    for format in ("xlsx", "csv", "pdf"):
        response = client.get(
            f"/api/v1/meetings/{meeting_id}/export?format={format}", headers=headers
        )
        assert response.status_code == 403, response.text
        assert response.json()["reason"] == "FORBIDDEN"
