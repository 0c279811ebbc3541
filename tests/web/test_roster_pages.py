"""Roster import pages: upload, a preview of known, new and invalid rows, then confirm."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, ORIGIN, create_meeting, post, text_of, xlsx

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SHEET = [
    ["DANH SÁCH ĐẠI BIỂU"],
    ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Mã đại biểu"],
    [1, "Nguyễn Văn An", "Chủ tịch", "UBND Quận 1", "DB-001"],
    [2, "Trần Thị Bình", "Phó Chủ tịch", "UBND Quận 1", "DB-002"],
    [3, "", "Chánh Văn phòng", "UBND Quận 1", "DB-003"],
]


def _upload(client: TestClient, meeting_id: int, data: bytes, name: str = "ds.xlsx") -> str:
    response = client.post(
        f"/meetings/{meeting_id}/roster/preview",
        files={"file": (name, data)},
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 200, text_of(response.text)
    return response.text


def _rows_field(page: str) -> str:
    found = re.search(r'name="rows" value="([^"]*)"', page)
    assert found
    return html.unescape(found.group(1))


def test_the_preview_shows_known_new_and_invalid_rows(client: TestClient) -> None:
    known = {"full_name": "Nguyễn Văn An", "code": "DB-001"}
    assert client.post("/api/v1/people", json=known, headers=BEARER).status_code == 201
    meeting_id = create_meeting(client)
    page = text_of(_upload(client, meeting_id, xlsx(SHEET)))
    assert "1 đã có trong hệ thống 1 người mới 1 dòng lỗi (bỏ qua)" in page
    assert "5 Chánh Văn phòng UBND Quận 1 DB-003 Lỗi Thiếu họ và tên." in page
    assert client.get("/api/v1/people").json()[0]["full_name"] == "Nguyễn Văn An"  # nothing new


def test_confirming_creates_the_new_people_and_sets_the_roster(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    rows = _rows_field(_upload(client, meeting_id, xlsx(SHEET)))
    response = post(client, f"/meetings/{meeting_id}/roster/confirm", {"rows": rows})
    assert response.headers["location"] == f"/meetings/{meeting_id}?ok=imported"
    attendance = client.get(f"/api/v1/meetings/{meeting_id}/attendance").json()
    assert sorted(a["person"]["full_name"] for a in attendance) == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    assert "Đã nhập danh sách." in client.get(response.headers["location"]).text


def test_a_csv_with_a_bom_is_read(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    data = "Họ tên,Đơn vị\nĐặng Thị Giang,Trường THCS Lê Lợi\n".encode("utf-8-sig")
    assert "Đặng Thị Giang" in _upload(client, meeting_id, data, "ds.csv")


def test_bad_files_get_a_clear_bilingual_message(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    url = f"/meetings/{meeting_id}/roster/preview"
    cases = [
        (b"\x89PNG\r\n\x1a\n" + bytes(100), 422, "Không đọc được tệp"),
        ("Tên,Tuổi\nAn,3\n".encode(), 422, "No 'Họ và tên' (full name) column"),
        (b"", 422, "Không đọc được tệp"),
    ]
    for data, status, message in cases:
        response = client.post(url, files={"file": ("x", data)}, headers={"Origin": ORIGIN})
        assert response.status_code == status
        assert message in html.unescape(response.text)
    missing = client.post(url, data={}, headers={"Origin": ORIGIN})
    assert missing.status_code == 422 and "No file was chosen" in missing.text


def test_a_file_over_the_upload_limit_is_refused_on_the_page(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    big = b"Ho va ten\n" + b"A" * (16 * 1024 * 1024)  # the default limit is 15 MB
    response = client.post(
        f"/meetings/{meeting_id}/roster/preview",
        files={"file": ("big.csv", big)},
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 413
    assert "vượt quá" in response.text and response.headers["content-type"].startswith("text/html")


def test_damaged_confirmation_data_writes_nothing(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    response = post(client, f"/meetings/{meeting_id}/roster/confirm", {"rows": "[{]"})
    assert response.status_code == 422
    assert "upload the file again" in response.text
    assert client.get("/api/v1/people").json() == []
