"""Roster import pages: upload, a preview of known, new and invalid rows, then confirm."""

from __future__ import annotations

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, ORIGIN, create_meeting, followed, post, text_of, xlsx

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


def test_preview_data_with_infinite_or_deeply_nested_values_is_refused(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    url = f"/meetings/{meeting_id}/roster/confirm"
    for rows in ('[{"line": Infinity, "full_name": "An"}]', "[" * 100_000 + "]" * 100_000):
        response = post(client, url, {"rows": rows})
        assert response.status_code == 422
        assert "Dữ liệu xác nhận bị hỏng" in html.unescape(response.text)
    assert client.get("/api/v1/people").json() == []


def test_empty_fields_in_the_preview_data_stay_empty(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    rows = '[{"line": 2, "full_name": "Nguyễn Văn An", "title": null, "unit": null, "code": null}]'
    assert post(client, f"/meetings/{meeting_id}/roster/confirm", {"rows": rows}).is_redirect
    [person] = client.get("/api/v1/people").json()
    assert (person["title"], person["unit"], person["code"]) == (None, None, None)


def test_an_unknown_import_mode_is_refused_and_writes_nothing(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    rows = _rows_field(_upload(client, meeting_id, xlsx(SHEET)))
    response = post(client, f"/meetings/{meeting_id}/roster/confirm", {"rows": rows, "mode": "x"})
    assert response.status_code == 422
    assert "Cách nhập không hợp lệ" in html.unescape(response.text)
    assert "Unknown import mode" in response.text
    assert client.get("/api/v1/people").json() == []


def test_replacing_lists_who_goes_and_keeps_who_already_arrived(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    first = [["Họ và tên", "Mã"], ["Phạm Thị Dung", "DB-7"], ["Võ Văn Em", "DB-8"]]
    rows = _rows_field(_upload(client, meeting_id, xlsx(first)))
    assert post(client, f"/meetings/{meeting_id}/roster/confirm", {"rows": rows}).is_redirect
    dung = next(p for p in client.get("/api/v1/people").json() if p["code"] == "DB-7")
    came = {"person_id": str(dung["id"]), "reason": "Đến bằng cửa phụ", "key": "k1"}
    came["at"] = "2026-03-02T08:05"  # the meeting is over: the time they came
    arrived = followed(client, post(client, f"/meetings/{meeting_id}/checkin", came))
    assert arrived.status_code == 200 and "issued-link" in arrived.text  # her voting link, once

    page = text_of(_upload(client, meeting_id, xlsx(SHEET)))
    assert "1 người đang có trong danh sách nhưng không có trong tệp sẽ bị xóa" in page
    assert "Võ Văn Em" in page
    assert "1 người không có trong tệp nhưng đã đến họp sẽ được giữ lại" in page
    assert "Phạm Thị Dung" in page

    rows = _rows_field(_upload(client, meeting_id, xlsx(SHEET)))
    response = post(client, f"/meetings/{meeting_id}/roster/confirm", {"rows": rows})
    assert response.headers["location"] == f"/meetings/{meeting_id}?ok=imported_kept"
    assert "vẫn được giữ lại" in client.get(response.headers["location"]).text
    attendance = client.get(f"/api/v1/meetings/{meeting_id}/attendance").json()
    assert sorted(a["person"]["full_name"] for a in attendance) == [
        "Nguyễn Văn An",
        "Phạm Thị Dung",
        "Trần Thị Bình",
    ]


ISSUE_SHEET = [
    ["Họ và tên", "Chức vụ", "Đơn vị"],
    ["Nguyễn Văn An", "Giám đốc Sở", "Sở Giáo dục và Đào tạo"],
]


def _person(client: TestClient, name: str, **fields: str) -> int:
    response = client.post("/api/v1/people", json={"full_name": name, **fields}, headers=BEARER)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_the_preview_matches_the_enrolled_person_and_shows_the_new_title_and_unit(
    client: TestClient,
) -> None:
    enrolled = _person(client, "Nguyễn Văn An")
    meeting_id = create_meeting(client)
    page = _upload(client, meeting_id, xlsx(ISSUE_SHEET))
    text = text_of(page)
    assert "1 đã có trong hệ thống 0 người mới" in text
    assert f"#{enrolled} Nguyễn Văn An" in text
    assert "Chức vụ: — → Giám đốc Sở" in text and "Đơn vị: — → Sở Giáo dục và Đào tạo" in text
    rows = _rows_field(page)
    assert post(client, f"/meetings/{meeting_id}/roster/confirm", {"rows": rows}).is_redirect
    [person] = client.get("/api/v1/people", headers=BEARER).json()
    assert (person["id"], person["title"], person["unit"]) == (
        enrolled,
        "Giám đốc Sở",
        "Sở Giáo dục và Đào tạo",
    )


def test_a_row_two_people_could_answer_asks_and_needs_a_choice(client: TestClient) -> None:
    first = _person(client, "Nguyễn Văn An")
    second = _person(client, "Nguyễn Văn An", unit="Sở Giáo dục và Đào tạo")
    meeting_id = create_meeting(client)
    page = _upload(client, meeting_id, xlsx(ISSUE_SHEET))
    assert "1 dòng cần chọn người" in text_of(page)
    radio = r'<input type="radio" name="choice-2" value="(\w+)" form="confirm-form"'
    radios = re.findall(radio, page)
    assert radios == [str(first), str(second), "new"]
    url = f"/meetings/{meeting_id}/roster/confirm"
    rows = _rows_field(page)
    missing = post(client, url, {"rows": rows})
    assert missing.status_code == 422 and "Pick who is meant in rows 2" in missing.text
    assert client.get(f"/api/v1/meetings/{meeting_id}/attendance").json() == []
    chosen = post(client, url, {"rows": rows, "choice-2": str(first)})
    assert chosen.is_redirect
    attendance = client.get(f"/api/v1/meetings/{meeting_id}/attendance").json()
    assert [a["person"]["id"] for a in attendance] == [first]
    assert len(client.get("/api/v1/people", headers=BEARER).json()) == 2
    bad = post(client, url, {"rows": rows, "choice-2": "nobody"})
    assert bad.status_code == 422 and "upload the file again" in bad.text


def test_a_roster_file_waits_while_a_poll_is_open_and_writes_nothing(client: TestClient) -> None:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m-%d")
    meeting_id = create_meeting(client, starts_at=f"{today}T00:00", ends_at=f"{today}T23:59")
    api = f"/api/v1/meetings/{meeting_id}"
    an = client.post("/api/v1/people", json={"full_name": "Nguyễn Văn An"}, headers=BEARER)
    assert client.put(
        f"{api}/participants", json={"person_ids": [an.json()["id"]]}, headers=BEARER
    ).is_success
    came = {"person_id": an.json()["id"], "source": "kiosk-A", "idempotency_key": "m1"}
    assert client.post(f"{api}/checkins", json=came, headers=BEARER).status_code == 201
    poll = client.post(f"{api}/polls", json={"title": "Thông qua"}, headers=BEARER).json()
    assert client.post(f"{api}/polls/{poll['id']}/open", headers=BEARER).is_success
    page = _upload(client, meeting_id, xlsx(SHEET))
    assert "Biểu quyết 'Thông qua' đang mở" in html.unescape(page)  # said before confirming
    rows = _rows_field(page)
    response = post(client, f"/meetings/{meeting_id}/roster/confirm", {"rows": rows})
    assert response.status_code == 409
    assert "Biểu quyết 'Thông qua' đang mở" in html.unescape(response.text)
    assert [p["full_name"] for p in client.get("/api/v1/people", headers=BEARER).json()] == [
        "Nguyễn Văn An"
    ]  # Trần Thị Bình was not created half-way


def test_the_preview_marks_a_student_matched_by_code_and_not_by_name(client: TestClient) -> None:
    child = {"full_name": "Trần Thị Bình"}
    person = client.post("/api/v1/people", json=child, headers=BEARER).json()
    student = {"student_code": "DB-001", "date_of_birth": "2014-05-01"}
    put = client.put(f"/api/v1/people/{person['id']}/student", json=student, headers=BEARER)
    assert put.status_code == 200, put.text
    meeting_id = create_meeting(client)
    page = text_of(_upload(client, meeting_id, xlsx(SHEET)))
    assert f"Đã có #{person['id']} Trần Thị Bình học sinh" in page  # row 2 by the code
    assert "UBND Quận 1 DB-002 Mới" in page  # the official of the same name: someone new
