"""The class list as schools really head it: parent name and phone columns under their many
names, a parent without a relation, and the columns the import does not read shown."""

from __future__ import annotations

import pytest
from class_list_support import class_list_xlsx
from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, ORIGIN, text_of

from enrollment.class_list import read_class_list

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.mark.parametrize(
    ("name_header", "phone_header"),
    [
        ("Họ tên cha/mẹ", "SĐT phụ huynh"),
        ("Họ tên cha mẹ", "Số điện thoại phụ huynh"),
        ("Phụ huynh", "SĐT liên hệ"),
        ("Tên phụ huynh", "Điện thoại"),
        ("Họ và tên cha/mẹ", "SĐT"),
    ],
)
def test_parent_columns_are_read_under_their_usual_headers(
    name_header: str, phone_header: str
) -> None:
    header = ["STT", "Mã HS", "Họ và tên", name_header, phone_header]
    sheet = read_class_list(
        class_list_xlsx([[1, "HS1", "Lê An", "Lê Hoa", "0912 345 678"]], header=header)
    )
    row = sheet.rows[0]
    assert (row.guardian_name, row.phone) == ("Lê Hoa", "0912 345 678")
    assert sheet.unused == []  # "STT" is a counter, not a column left out


def test_the_preview_shows_each_guardian_and_the_columns_not_used(client: TestClient) -> None:
    made = client.post(
        "/api/v1/classes",
        json={"name": "6A1", "school": "THCS Lê Lợi", "school_year": "2026-2027"},
        headers=BEARER,
    )
    class_id = made.json()["id"]
    header = ["STT", "Mã học sinh", "Họ và tên", "Họ tên cha/mẹ", "SĐT phụ huynh", "Ghi chú"]
    rows: list[list[object]] = [[1, "HS1", "Lê An", "Lê Thị Hoa", "0912345678", "lớp trưởng"]]
    data = class_list_xlsx(rows, header=header)
    page = client.post(
        f"/classes/{class_id}/import/preview",
        files={"file": ("lop.xlsx", data)},
        headers={"Origin": ORIGIN},
    )
    assert page.status_code == 200, text_of(page.text)
    shown = text_of(page.text)
    assert "1 học sinh mới" in shown and "Lê Thị Hoa (phụ huynh) · 0912345678" in shown
    assert "Cột không dùng: Ghi chú" in shown
    english = client.post(
        f"/classes/{class_id}/import/preview?lang=en",
        files={"file": ("lop.xlsx", data)},
        headers={"Origin": ORIGIN},
    )
    assert "Columns not used: Ghi chú" in text_of(english.text)
    done = client.post(
        f"/api/v1/classes/{class_id}/import", files={"file": ("l.xlsx", data)}, headers=BEARER
    )
    assert done.status_code == 200 and done.json()["created"] == 1, done.text
    assert done.json()["unused_columns"] == ["Ghi chú"]
    person_id = done.json()["rows"][0]["person_id"]
    student = client.get(f"/api/v1/people/{person_id}/student", headers=BEARER).json()
    assert student["guardians"][0]["relation"] == "phụ huynh"


def test_a_guardian_without_a_relation_is_a_parent_not_an_error(client: TestClient) -> None:
    person = client.post("/api/v1/people", json={"full_name": "Lê An"}, headers=BEARER).json()
    body = {"guardians": [{"name": "Lê Thị Hoa", "relation": "", "phone": "0912345678"}]}
    put = client.put(f"/api/v1/people/{person['id']}/student", json=body, headers=BEARER)
    assert put.status_code == 200, put.text
    assert put.json()["guardians"][0]["relation"] == "phụ huynh"
