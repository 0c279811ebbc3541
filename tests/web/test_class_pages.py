"""Class pages: the list and creating a class, a class with its students (code, birth date,
guardians, consent, faces to retake) and today's sessions, the class list imported with a
preview; a teacher sees only their classes."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from class_list_support import class_list_xlsx
from fastapi.testclient import TestClient
from sqlalchemy import update
from test_account_pages import make_account, sign_in_as
from web_support import ADMIN_TOKEN, ORIGIN, followed, post, sign_in, text_of

from attendance.db import make_engine, make_session_factory
from attendance.orm import FaceTemplate
from attendance.schools.sessions import create_session
from attendance.settings import EnrollSettings
from attendance.templates import QualityFigures, add_template

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ZONE = "Asia/Ho_Chi_Minh"  # the settings' default zone


def new_class(client: TestClient, **form: str) -> int:
    fields = {"name": "6A1", "school": "THCS Long Biên", "school_year": "2026-2027", **form}
    response = post(client, "/classes", fields)
    assert response.status_code == 303, text_of(response.text)
    found = re.match(r"/classes/(\d+)", response.headers["location"])
    assert found
    return int(found.group(1))


def person(client: TestClient, name: str) -> int:
    made = client.post("/api/v1/people", json={"full_name": name}, headers=BEARER)
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def old_template(database_url: str, person_id: int, days: int) -> None:
    """A face template stored `days` ago (written as enrollment would, then dated back)."""
    engine = make_engine(database_url)
    figures = QualityFigures(det_score=0.9, face_px=120, sharpness=100, brightness=120, yaw=0.1)
    with make_session_factory(engine)() as session:
        template = add_template(
            session,
            person_id=person_id,
            model_key="fake",
            embedding=np.ones(128, np.float32) / np.sqrt(128),
            quality=figures,
            photo_sha256=f"{person_id:064d}",
        )
        at = datetime.now(ZoneInfo("UTC")) - timedelta(days=days)
        session.execute(
            update(FaceTemplate).where(FaceTemplate.id == template.id).values(created_at=at)
        )
        session.commit()
    engine.dispose()


def today_session(database_url: str, class_id: int) -> int:
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        row = create_session(
            session,
            class_id=class_id,
            day=datetime.now(ZoneInfo(ZONE)).date(),
            start=time(7, 30),
            end=time(8, 15),
            zone=ZONE,
            period=1,
            subject="Toán",
        )
        session.commit()
        meeting_id = row.meeting_id
    engine.dispose()
    return meeting_id


def test_a_class_is_created_on_the_list_page_and_shows_its_students(
    client: TestClient, database_url: str
) -> None:
    teacher = make_account(client, "co.lan", role="teacher")
    class_id = new_class(client, teacher_ids=str(teacher))
    page = followed(
        client,
        post(
            client,
            "/classes",
            {"name": "6A2", "school": "THCS Long Biên", "school_year": "2026-2027"},
        ),
    )
    assert "Đã tạo lớp." in page.text
    listed = text_of(client.get("/classes").text)
    assert "6A1 THCS Long Biên 2026-2027 0" in listed and "6A2" in listed
    kid = person(client, "Nguyễn Minh Anh")
    client.put(f"/api/v1/classes/{class_id}/students", json={"person_ids": [kid]}, headers=BEARER)
    details = {
        "student_code": "HS001",
        "date_of_birth": "2014-09-02",
        "guardians": [{"name": "Nguyễn Thị Hoa", "relation": "mẹ", "phone": "0912345678"}],
    }
    client.put(f"/api/v1/people/{kid}/student", json=details, headers=BEARER)
    shown = text_of(client.get(f"/classes/{class_id}").text)
    assert "Giáo viên: Nguyễn Thị Thu" in shown
    assert (
        "Nguyễn Minh Anh HS001 02/09/2014 Nguyễn Thị Hoa (mẹ) · 0912345678 Chưa có đồng ý" in shown
    )
    assert "Hôm nay lớp không có tiết học." in shown
    english = text_of(client.get(f"/classes/{class_id}?lang=en").text)
    assert "Student code" in english and "No consent" in english and "Timetable" in english
    raw = client.get(f"/classes/{class_id}?lang=vi").text
    assert f'href="/classes/{class_id}/timetable"' in raw
    assert f'href="/classes/{class_id}/report"' in raw
    assert 'href="/classes" class="current">Lớp học</a>' in raw  # the navigation


def test_a_bad_class_form_is_shown_again_with_the_reason(client: TestClient) -> None:
    new_class(client)
    again = post(
        client, "/classes", {"name": "6A1", "school": "THCS Long Biên", "school_year": "2026-2027"}
    )
    assert again.status_code == 409
    assert "THCS Long Biên already has a class 6A1" in html.unescape(again.text)
    empty = post(client, "/classes", {"name": "", "school": "", "school_year": ""})
    assert empty.status_code == 422 and "A class needs a name" in empty.text


def test_old_faces_are_flagged_for_re_enrollment_with_a_count(
    client: TestClient, database_url: str
) -> None:
    class_id = new_class(client)
    old, fresh, none = (person(client, n) for n in ("Lê Gia Bảo", "Trần Bảo Châu", "Vũ Hà"))
    client.put(
        f"/api/v1/classes/{class_id}/students",
        json={"person_ids": [old, fresh, none]},
        headers=BEARER,
    )
    old_template(database_url, old, days=400)
    old_template(database_url, fresh, days=30)
    page = client.get(f"/classes/{class_id}").text
    assert "1 học sinh cần chụp lại ảnh" in text_of(page)
    flagged = re.findall(r'data-person="(\d+)".*?</tr>', page, re.S)
    rows = dict(zip(flagged, re.findall(r'data-person="\d+"(.*?)</tr>', page, re.S)))
    assert "Cần chụp lại ảnh" in rows[str(old)]
    assert "Cần chụp lại ảnh" not in rows[str(fresh)] + rows[str(none)]
    api = client.get(f"/api/v1/classes/{class_id}", headers=BEARER).json()["students"]
    assert {s["id"]: s["needs_reenrollment"] for s in api} == {old: True, fresh: False, none: False}


def test_today_s_sessions_link_to_their_meeting_pages(
    client: TestClient, database_url: str
) -> None:
    class_id = new_class(client)
    meeting_id = today_session(database_url, class_id)
    page = client.get(f"/classes/{class_id}").text
    assert f'href="/meetings/{meeting_id}"' in page
    assert "07:30–08:15 · Tiết 1 · Toán" in text_of(page)


def test_the_class_list_is_previewed_then_imported(client: TestClient) -> None:
    class_id = new_class(client)
    preview = client.post(
        f"/classes/{class_id}/import/preview",
        files={"file": ("lop.xlsx", class_list_xlsx())},
        headers={"Origin": ORIGIN},
    )
    assert preview.status_code == 200, text_of(preview.text)
    shown = text_of(preview.text)
    assert "2 học sinh mới 0 học sinh cập nhật 2 dòng bị bỏ qua" in shown
    assert "không đọc được" in shown and "trùng với dòng 5" in shown
    assert client.get(f"/api/v1/classes/{class_id}", headers=BEARER).json()["student_count"] == 0
    rows = re.search(r'name="rows" value="([^"]*)"', preview.text)
    assert rows
    done = post(client, f"/classes/{class_id}/import/confirm", {"rows": html.unescape(rows[1])})
    page = text_of(followed(client, done).text)
    assert "Đã nhập danh sách lớp." in page and "Trần Bảo Châu HS002 17/05/2014" in page
    damaged = post(client, f"/classes/{class_id}/import/confirm", {"rows": "[{"})
    assert damaged.status_code == 422 and "upload the file again" in damaged.text
    no_file = client.post(f"/classes/{class_id}/import/preview", headers={"Origin": ORIGIN})
    assert no_file.status_code == 422 and "No class list file was chosen" in no_file.text


def test_a_teacher_sees_only_their_classes(client: TestClient) -> None:
    teacher = make_account(client, "co.mai", role="teacher")
    make_account(client, "xem", role="viewer")
    mine = new_class(client, teacher_ids=str(teacher))
    other = new_class(client, name="6B")
    client.cookies.clear()
    sign_in_as(client, "co.mai")
    listed = client.get("/classes").text
    assert f'href="/classes/{mine}"' in listed and f'href="/classes/{other}"' not in listed
    assert 'id="new-class"' not in listed  # creating is the office's
    assert client.get(f"/classes/{mine}").status_code == 200
    assert 'id="class-import"' not in client.get(f"/classes/{mine}").text
    assert client.get(f"/classes/{other}").status_code == 404
    client.cookies.clear()
    sign_in_as(client, "xem")
    assert 'href="/classes"' not in client.get("/meetings").text
    assert client.get("/classes").status_code == 403


def test_the_re_enrollment_age_is_a_setting(
    make_client: Callable[..., TestClient], database_url: str
) -> None:
    client = make_client(enroll=EnrollSettings(reenroll_after_days=20))
    sign_in(client)
    class_id = new_class(client)
    kid = person(client, "Đinh Quang Minh")
    client.put(f"/api/v1/classes/{class_id}/students", json={"person_ids": [kid]}, headers=BEARER)
    old_template(database_url, kid, days=30)
    page = text_of(client.get(f"/classes/{class_id}?lang=en").text)
    assert "Needs re-enrollment: 1 student(s) (their newest face photo is over 20 days old)" in page
