"""Classes through the API: create, list, read, rename, teachers, students; a teacher sees only
the classes they teach; bad input answered with a 4xx that names it, nothing half-written."""

from __future__ import annotations

from typing import Any

from api_support import create_people
from fastapi.testclient import TestClient
from permission_support import account_id, add_account

CLASS = {"name": "6A1", "school": "THCS Long Biên", "school_year": "2026-2027"}


def new_class(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/classes", json=CLASS | fields)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def as_(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_class_is_created_with_its_teachers_and_read_back(
    client: TestClient, database_url: str
) -> None:
    add_account(database_url, "co_lan", "teacher")
    teacher = account_id(database_url, "co_lan")
    made = new_class(client, teacher_ids=[teacher])
    assert made | CLASS == made
    assert made["teacher_ids"] == [teacher] and made["student_count"] == 0
    kids = create_people(client, ["Nguyễn Minh Anh", "Trần Bảo Châu"], consent=False)
    put = client.put(f"/api/v1/classes/{made['id']}/students", json={"person_ids": kids})
    assert put.status_code == 200 and put.json() == sorted(kids)
    read = client.get(f"/api/v1/classes/{made['id']}").json()
    assert read["student_count"] == 2
    assert [s["full_name"] for s in read["students"]] == ["Nguyễn Minh Anh", "Trần Bảo Châu"]
    assert {s["consent"] for s in read["students"]} == {"missing"}
    renamed = client.patch(f"/api/v1/classes/{made['id']}", json={"name": "6A2"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "6A2"
    assert renamed.json()["teacher_ids"] == [teacher]
    assert [c["id"] for c in client.get("/api/v1/classes").json()] == [made["id"]]


def test_bad_class_input_is_named_and_nothing_is_half_written(
    client: TestClient, database_url: str
) -> None:
    add_account(database_url, "thu_ky", "secretary")
    secretary = account_id(database_url, "thu_ky")
    refused = client.post("/api/v1/classes", json=CLASS | {"teacher_ids": [secretary]})
    assert refused.status_code == 422 and refused.json()["reason"] == "NOT_A_TEACHER"
    assert client.get("/api/v1/classes").json() == []  # the class was not kept without them
    made = new_class(client)
    twice = client.post("/api/v1/classes", json=CLASS)
    assert twice.status_code == 409 and twice.json()["reason"] == "CLASS_EXISTS"
    kids = create_people(client, ["Lê Gia Bảo"], consent=False)
    url = f"/api/v1/classes/{made['id']}/students"
    assert client.put(url, json={"person_ids": kids}).status_code == 200
    unknown = client.put(url, json={"person_ids": [*kids, 987654]})
    assert unknown.status_code == 404 and unknown.json()["reason"] == "UNKNOWN_PERSON"
    assert "987654" in unknown.json()["detail"]
    assert client.get(f"/api/v1/classes/{made['id']}").json()["student_count"] == 1
    missing = client.get("/api/v1/classes/424242")
    assert missing.status_code == 404 and missing.json()["reason"] == "UNKNOWN_CLASS"
    other = new_class(client, name="6A3")
    clash = client.patch(f"/api/v1/classes/{other['id']}", json={"name": "6A1"})
    assert clash.status_code == 409 and clash.json()["reason"] == "CLASS_EXISTS"
    blank = client.post("/api/v1/classes", json=CLASS | {"name": "   "})
    assert blank.status_code == 422 and blank.json()["reason"] == "CLASS_INCOMPLETE"


def test_a_teacher_sees_only_the_classes_they_teach_and_their_students(
    client: TestClient, database_url: str
) -> None:
    mine = add_account(database_url, "co_mai", "teacher")
    other = add_account(database_url, "thay_nam", "teacher")
    teacher = account_id(database_url, "co_mai")
    taught = new_class(client, teacher_ids=[teacher])
    not_taught = new_class(client, name="6B")
    [kid, stranger] = create_people(client, ["Phạm Thu Hà", "Vũ Đức Long"], consent=False)
    client.put(f"/api/v1/classes/{taught['id']}/students", json={"person_ids": [kid]})
    client.put(f"/api/v1/classes/{not_taught['id']}/students", json={"person_ids": [stranger]})
    listed = client.get("/api/v1/classes", headers=as_(mine)).json()
    assert [c["id"] for c in listed] == [taught["id"]]
    assert client.get("/api/v1/classes", headers=as_(other)).json() == []
    assert client.get(f"/api/v1/classes/{taught['id']}", headers=as_(mine)).status_code == 200
    hidden = client.get(f"/api/v1/classes/{not_taught['id']}", headers=as_(mine))
    assert hidden.status_code == 404 and hidden.json()["reason"] == "UNKNOWN_CLASS"
    assert client.get(f"/api/v1/people/{kid}/student", headers=as_(mine)).status_code == 200
    assert client.get(f"/api/v1/people/{stranger}/student", headers=as_(mine)).status_code == 404
    # A teacher changes nothing of a class: the office does.
    changed = client.patch(f"/api/v1/classes/{taught['id']}", json={"name": "X"}, headers=as_(mine))
    assert changed.status_code == 403


def test_a_student_s_details_and_guardians_are_checked_and_kept(client: TestClient) -> None:
    [kid, other] = create_people(client, ["Đỗ Khánh Linh", "Hoàng Nam"], consent=False)
    body = {
        "student_code": "HS-0001",
        "date_of_birth": "2014-09-02",
        "guardians": [
            {"name": "Đỗ Thị Hoa", "relation": "mẹ", "phone": "0912 345 678", "email": None},
            {"name": "Đỗ Văn Hùng", "relation": "cha", "phone": "+84 913.000.111"},
        ],
    }
    url = f"/api/v1/people/{kid}/student"
    put = client.put(url, json=body)
    assert put.status_code == 200, put.text
    assert put.json()["student_code"] == "HS-0001" and len(put.json()["guardians"]) == 2
    assert client.get(url).json() == put.json()
    taken = client.put(f"/api/v1/people/{other}/student", json={"student_code": "HS-0001"})
    assert taken.status_code == 409 and taken.json()["reason"] == "STUDENT_CODE_TAKEN"
    assert "HS-0001" in taken.json()["detail"]
    bad = {
        "INVALID_PHONE": body | {"guardians": [{"name": "A", "relation": "mẹ", "phone": "12ab"}]},
        "INVALID_EMAIL": body | {"guardians": [{"name": "A", "relation": "mẹ", "email": "x@"}]},
        "INVALID_DATE": body | {"date_of_birth": "2999-01-01"},
        "INVALID_STUDENT": body | {"guardians": [{"name": "", "relation": ""}]},
    }
    for reason, wrong in bad.items():
        answer = client.put(url, json=wrong)
        assert answer.status_code == 422 and answer.json()["reason"] == reason, answer.text
        assert client.get(url).json() == put.json()  # nothing of the refused change kept
    unparsable = client.put(url, json=body | {"date_of_birth": "31/02/2014"})
    assert unparsable.status_code == 422
    assert client.put("/api/v1/people/999999/student", json=body).status_code == 404


def test_a_teacher_may_add_a_student_of_their_class_to_their_meeting(
    client: TestClient, database_url: str
) -> None:
    token = add_account(database_url, "co_ha", "teacher")
    teacher = account_id(database_url, "co_ha")
    taught = new_class(client, teacher_ids=[teacher])
    [kid, stranger] = create_people(client, ["Ngô Thảo Vy", "Bùi Tuấn"], consent=False)
    client.put(f"/api/v1/classes/{taught['id']}/students", json={"person_ids": [kid]})
    body = {
        "title": "Sinh hoạt lớp",
        "starts_at": "2030-03-02T08:00:00+07:00",
        "ends_at": "2030-03-02T09:00:00+07:00",
    }
    meeting_id = client.post("/api/v1/meetings", json=body).json()["id"]
    staff = client.put(f"/api/v1/meetings/{meeting_id}/staff", json={"account_ids": [teacher]})
    assert staff.status_code == 200, staff.text
    url = f"/api/v1/meetings/{meeting_id}/participants"
    # Their class's student is in view (on no meeting of theirs yet); anyone else is not.
    added = client.post(f"{url}/{kid}", headers=as_(token))
    assert added.status_code == 201, added.text
    assert client.post(f"{url}/{stranger}", headers=as_(token)).status_code == 404


def test_merging_a_duplicate_student_keeps_their_class_and_details(client: TestClient) -> None:
    made = new_class(client)
    kept, dup = create_people(client, ["Lý Minh Khang", "Lý Minh Khang"], consent=False)
    client.put(f"/api/v1/classes/{made['id']}/students", json={"person_ids": [dup]})
    details = {
        "student_code": "HS-42",
        "date_of_birth": "2013-04-30",
        "guardians": [{"name": "Lý Văn Tâm", "relation": "cha", "phone": "0987654321"}],
    }
    assert client.put(f"/api/v1/people/{dup}/student", json=details).status_code == 200
    merged = client.post(f"/api/v1/people/{dup}/merge", json={"into_id": kept})
    assert merged.status_code == 200, merged.text
    [student] = client.get(f"/api/v1/classes/{made['id']}").json()["students"]
    assert (student["id"], student["student_code"]) == (kept, "HS-42")
    moved = client.get(f"/api/v1/people/{kept}/student").json()
    assert moved["date_of_birth"] == "2013-04-30" and moved["guardians"][0]["name"] == "Lý Văn Tâm"
