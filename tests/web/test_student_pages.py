"""The class page sets the class's teachers, and each student's page edits their student
code, date of birth and guardians (a row added, changed, removed), in both languages."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from test_account_pages import make_account
from test_class_pages import BEARER, new_class, person
from web_support import ORIGIN, text_of

FORM = {"Origin": ORIGIN}


def _student_in_class(client: TestClient) -> tuple[int, int]:
    class_id = new_class(client)
    kid = person(client, "Lê Minh Anh")
    put = client.put(
        f"/api/v1/classes/{class_id}/students", json={"person_ids": [kid]}, headers=BEARER
    )
    assert put.status_code == 200, put.text
    return class_id, kid


def test_the_class_page_sets_its_teachers_with_checkboxes(client: TestClient) -> None:
    lan = make_account(client, "co.lan", role="teacher")
    minh = make_account(client, "thay.minh", role="teacher")
    class_id = new_class(client)
    page = client.get(f"/classes/{class_id}").text
    assert 'id="class-teachers"' in page and f'value="{lan}"' in page
    saved = client.post(
        f"/classes/{class_id}/teachers",
        data={"teacher_ids": [str(lan), str(minh)]},
        headers=FORM,
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("ok=teachers_saved")
    shown = client.get(saved.headers["location"]).text
    assert "Đã lưu giáo viên của lớp." in text_of(shown)
    assert f'value="{lan}" checked' in shown and f'value="{minh}" checked' in shown
    body = client.get(f"/api/v1/classes/{class_id}", headers=BEARER).json()
    assert sorted(body["teacher_ids"]) == sorted([lan, minh])
    cleared = client.post(f"/classes/{class_id}/teachers", data={}, headers=FORM)
    assert cleared.status_code == 200
    assert client.get(f"/api/v1/classes/{class_id}", headers=BEARER).json()["teacher_ids"] == []
    bad = client.post(f"/classes/{class_id}/teachers", data={"teacher_ids": "x"}, headers=FORM)
    assert bad.status_code == 422 and "not valid" in bad.text


def test_a_student_s_code_birth_and_guardians_are_edited_on_their_page(
    client: TestClient,
) -> None:
    class_id, kid = _student_in_class(client)
    assert f'href="/classes/{class_id}/students/{kid}"' in client.get(f"/classes/{class_id}").text
    url = f"/classes/{class_id}/students/{kid}"
    page = client.get(url)
    assert page.status_code == 200 and "Họ tên phụ huynh" in page.text
    assert "Guardian's name" in html.unescape(client.get(f"{url}?lang=en").text)
    form = {
        "student_code": "HS-9",
        "date_of_birth": "2014-09-02",
        "guardian_name": ["Lê Thị Hoa", "Lê Văn Tùng"],
        "guardian_relation": ["mẹ", ""],
        "guardian_phone": ["0912 345 678", ""],
        "guardian_email": ["", "tung@example.vn"],
    }
    saved = client.post(url, data=form, headers=FORM, follow_redirects=False)
    assert saved.status_code == 303, text_of(saved.text)
    student = client.get(f"/api/v1/people/{kid}/student", headers=BEARER).json()
    assert (student["student_code"], student["date_of_birth"]) == ("HS-9", "2014-09-02")
    assert [(g["name"], g["relation"]) for g in student["guardians"]] == [
        ("Lê Thị Hoa", "mẹ"),
        ("Lê Văn Tùng", "phụ huynh"),
    ]
    again = client.get(url).text
    assert 'value="Lê Thị Hoa"' in again and 'value="2014-09-02"' in again
    # The first guardian ticked "remove": only the second stays.
    removed = client.post(url, data={**form, "remove": "0"}, headers=FORM)
    assert (
        removed.status_code == 200 and "details were saved" in removed.text
    )  # English since ?lang=en
    student = client.get(f"/api/v1/people/{kid}/student", headers=BEARER).json()
    assert [g["name"] for g in student["guardians"]] == ["Lê Văn Tùng"]


def test_bad_details_are_shown_again_with_the_reason_and_nothing_saved(
    client: TestClient,
) -> None:
    class_id, kid = _student_in_class(client)
    url = f"/classes/{class_id}/students/{kid}"
    form = {
        "student_code": "HS-1",
        "date_of_birth": "2014-09-02",
        "guardian_name": "Lê Thị Hoa",
        "guardian_phone": "12",
    }
    bad = client.post(url, data=form, headers=FORM)
    assert bad.status_code == 422 and "0912 345 678" in text_of(bad.text)
    assert 'value="Lê Thị Hoa"' in bad.text and 'value="HS-1"' in bad.text
    unreadable = client.post(url, data={"date_of_birth": "mai"}, headers=FORM)
    assert unreadable.status_code == 422 and "cannot be read" in unreadable.text
    student = client.get(f"/api/v1/people/{kid}/student", headers=BEARER).json()
    assert student["student_code"] is None and student["guardians"] == []
    stranger = person(client, "Người ngoài")
    assert client.get(f"/classes/{class_id}/students/{stranger}").status_code == 404
