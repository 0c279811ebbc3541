"""Importing a school's class list (a real XLSX): a dry run says what would be created,
updated and rejected and writes nothing; the import matches students by their code."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from api_support import create_people
from class_list_support import XLSX, class_list_xlsx
from fastapi.testclient import TestClient

Rows = Callable[[], dict[str, int]]


def post_list(client: TestClient, class_id: int, data: bytes, **params: str) -> httpx.Response:
    files = {"file": ("lop-6a1.xlsx", data, XLSX)}
    return client.post(f"/api/v1/classes/{class_id}/import", files=files, params=params)


def make_class(client: TestClient) -> int:
    body = {"name": "6A1", "school": "THCS Long Biên", "school_year": "2026-2027"}
    made = client.post("/api/v1/classes", json=body)
    assert made.status_code == 201, made.text
    class_id: int = made.json()["id"]
    return class_id


def test_a_dry_run_previews_and_writes_nothing(client: TestClient, rows: Rows) -> None:
    class_id = make_class(client)
    before = rows()
    answer = post_list(client, class_id, class_list_xlsx(), dry_run="true")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["dry_run"] is True
    assert (body["created"], body["updated"], body["rejected"]) == (2, 0, 2)
    status = {r["line"]: (r["status"], r["reason"]) for r in body["rows"]}
    assert status[3][0] == status[4][0] == "create"
    assert status[5][0] == "reject" and "31/02/2014" in status[5][1]
    assert status[6][0] == "reject" and "repeats line 5" in status[6][1]
    assert rows() == before


def test_the_import_creates_then_matches_by_student_code(client: TestClient) -> None:
    class_id = make_class(client)
    done = post_list(client, class_id, class_list_xlsx())
    assert done.status_code == 200, done.text
    assert (done.json()["created"], done.json()["student_count"]) == (2, 2)
    students = client.get(f"/api/v1/classes/{class_id}").json()["students"]
    by_code = {s["student_code"]: s for s in students}
    assert by_code["HS002"]["date_of_birth"] == "2014-05-17"  # a date cell
    anh = by_code["HS001"]["id"]
    details = client.get(f"/api/v1/people/{anh}/student").json()
    assert details["guardians"] == [
        {"name": "Nguyễn Thị Hoa", "relation": "mẹ", "phone": "0912345678", "email": None}
    ]
    # Again, with a corrected name: the same student, updated, not a second one.
    again = post_list(
        client,
        class_id,
        class_list_xlsx([[1, "HS001", "Nguyễn Minh Ánh", "02/09/2014", "", "", "", "", ""]]),
    )
    assert (again.json()["created"], again.json()["updated"]) == (0, 1)
    assert again.json()["rows"][0]["person_id"] == anh
    assert client.get(f"/api/v1/people/{anh}").json()["full_name"] == "Nguyễn Minh Ánh"
    assert again.json()["student_count"] == 2
    # Kept guardians: the row named none.
    assert len(client.get(f"/api/v1/people/{anh}/student").json()["guardians"]) == 1


def test_a_code_already_someone_else_s_updates_that_student(client: TestClient) -> None:
    class_id = make_class(client)
    [known] = create_people(client, ["Nguyễn Minh Anh"], consent=False)
    client.put(f"/api/v1/people/{known}/student", json={"student_code": "HS001"})
    body = post_list(client, class_id, class_list_xlsx(), dry_run="true").json()
    assert body["rows"][0] | {"status": "update", "person_id": known} == body["rows"][0]


def test_a_file_that_is_no_class_list_is_refused(client: TestClient, rows: Rows) -> None:
    class_id = make_class(client)
    before = rows()
    no_file = client.post(f"/api/v1/classes/{class_id}/import")
    assert no_file.status_code == 422 and "file" in no_file.json()["detail"]
    junk = post_list(client, class_id, b"PK\x03\x04 not really a zip")
    assert junk.status_code == 422 and junk.json()["reason"] == "ROSTER_UNREADABLE"
    headless = post_list(client, class_id, class_list_xlsx(header=["STT", "Họ và tên", "Chức vụ"]))
    assert headless.status_code == 422
    assert headless.json()["reason"] == "ROSTER_NO_NAME_COLUMN"
    assert post_list(client, 987654, class_list_xlsx()).status_code == 404
    assert rows() == before


def test_a_csv_with_english_headers_and_notes_is_read(client: TestClient) -> None:
    class_id = make_class(client)
    text = (
        "No.;Student code (*);Full name;Date of birth (dd/mm/yyyy);Parent name;Relationship;"
        "Phone;Email\n"
        "1;HS100;Đặng Thu Trang;05-11-2015;Đặng Văn Lợi;cha;+84 912 000 111;loi@example.vn\n"
        "2;HS101;Mai Anh Tú;2015/11/05;;;;\n"
        "3;HS102;Hồ Ngọc Lan;01/01/2015;Hồ Văn A;cha;12;\n"
        "4;HS103;Tô Minh;01/01/2015;Tô B;mẹ;;not-an-email\n"
    )
    files = {"file": ("lop.csv", text.encode("utf-8"), "text/csv")}
    body = client.post(f"/api/v1/classes/{class_id}/import", files=files).json()
    status = {r["student_code"]: (r["status"], r["reason"]) for r in body["rows"]}
    assert status["HS100"] == ("create", "")
    assert status["HS101"][0] == "reject" and "2015/11/05" in status["HS101"][1]
    assert status["HS102"][0] == "reject" and "phone number" in status["HS102"][1]
    assert status["HS103"][0] == "reject" and "e-mail" in status["HS103"][1]
    trang = next(r["person_id"] for r in body["rows"] if r["student_code"] == "HS100")
    guardian = client.get(f"/api/v1/people/{trang}/student").json()["guardians"][0]
    assert guardian == {
        "name": "Đặng Văn Lợi",
        "relation": "cha",
        "phone": "+84 912 000 111",
        "email": "loi@example.vn",
    }
