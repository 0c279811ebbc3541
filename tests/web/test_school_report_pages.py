"""The school report routes through the app: the class's month as JSON and files, a bad month,
a student's history, the school's rates, the pages in both languages, a teacher's reach."""

from __future__ import annotations

import io
import secrets
from datetime import date, time

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from school_report_support import SeededClass, seed_class

from attendance.db import make_engine, make_session_factory
from attendance.orm import ApiToken, Person
from attendance.schools.classes import create_class, set_students, set_teachers
from attendance.schools.sessions import create_session
from attendance.staff.accounts import create_account
from attendance.tokens import TEACHER, hash_token

MONTH = "2025-12"  # every lesson of the seeded month is past its cut-off by the real clock


@pytest.fixture
def seeded(client: TestClient, database_url: str) -> tuple[SeededClass, SeededClass]:
    """Classes 6A and 6B of December 2025; the app's lifespan made the schema."""
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        classes = (
            seed_class(session, name="6A", year=2025),
            seed_class(session, name="6B", year=2025),
        )
        session.commit()
    engine.dispose()
    return classes


def teacher_of(database_url: str, class_id: int) -> dict[str, str]:
    """A teacher of that class, with a bearer token."""
    token = secrets.token_urlsafe(24)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        account = create_account(
            session,
            username="co.lan",
            display_name="Cô Lan",
            role=TEACHER,
            password="a long enough password 1",
            actor="test",
        )
        set_teachers(session, class_id=class_id, account_ids=[account.id])
        session.add(
            ApiToken(
                name="co.lan", role=TEACHER, token_sha256=hash_token(token), account_id=account.id
            )
        )
        session.commit()
    engine.dispose()
    return {"Authorization": f"Bearer {token}"}


def test_the_class_report_as_json_counts_marks_and_rates(
    client: TestClient, seeded: tuple[SeededClass, SeededClass]
) -> None:
    a6 = seeded[0]
    answer = client.get(f"/api/v1/classes/{a6.class_id}/report?month={MONTH}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["class"]["name"] == "6A" and body["month"] == MONTH
    assert len(body["days"]) == 4
    an = next(s for s in body["students"] if s["full_name"] == "Nguyễn Văn An")
    # The 31st has passed too: An did not come, so it is an unexcused absence.
    assert an["days"] == ["present", "late", "present", "unexcused"]
    assert an["totals"] == {
        "present": 3,
        "late": 1,
        "excused": 0,
        "unexcused": 1,
        "held": 5,
        "rate": 0.8,
    }


def test_the_class_report_downloads_as_files(
    client: TestClient, seeded: tuple[SeededClass, SeededClass]
) -> None:
    url = f"/api/v1/classes/{seeded[0].class_id}/report?month={MONTH}&format="
    xlsx = client.get(url + "xlsx")
    assert xlsx.status_code == 200, xlsx.text
    assert "attachment" in xlsx.headers["content-disposition"]
    assert "2025-12.xlsx" in xlsx.headers["content-disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == "Điểm danh tháng"
    csv = client.get(url + "csv")
    assert csv.content.startswith(b"\xef\xbb\xbf") and "Trần Thị Bình" in csv.content.decode()
    pdf = client.get(url + "pdf")
    assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("month=2025-13", "INVALID_MONTH"),
        ("month=12/2025", "INVALID_MONTH"),
        ("month=2025-12&format=docx", "UNKNOWN_EXPORT_FORMAT"),
    ],
)
def test_a_bad_month_or_format_is_a_422_that_says_what_to_write(
    client: TestClient, seeded: tuple[SeededClass, SeededClass], query: str, reason: str
) -> None:
    answer = client.get(f"/api/v1/classes/{seeded[0].class_id}/report?{query}")
    assert answer.status_code == 422, answer.text
    assert answer.json()["reason"] == reason
    if reason == "INVALID_MONTH":
        assert "2026-12" in answer.json()["detail"]


def test_an_unknown_class_is_404(client: TestClient) -> None:
    answer = client.get("/api/v1/classes/999/report?month=2025-12")
    assert answer.status_code == 404 and answer.json()["reason"] == "UNKNOWN_CLASS"


def test_a_student_s_history_and_the_school_s_rates(
    client: TestClient, seeded: tuple[SeededClass, SeededClass]
) -> None:
    binh = seeded[0].students["Bình"]
    history = client.get(
        f"/api/v1/people/{binh}/school-attendance?from=2025-12-01&to=2025-12-02"
    ).json()
    assert [s["mark"] for s in history["sessions"]] == ["unexcused", "present", "unexcused"]
    assert history["totals"]["held"] == 3 and history["sessions"][0]["class_name"] == "6A"
    bad = client.get(f"/api/v1/people/{binh}/school-attendance?from=1/12/2025")
    assert bad.status_code == 422 and bad.json()["reason"] == "INVALID_DATE"
    rates = client.get(f"/api/v1/schools/report?school=THCS Gia Thụy&month={MONTH}").json()
    assert [c["name"] for c in rates["classes"]] == ["6A", "6B"]
    assert rates["total"]["held"] == 2 * rates["classes"][0]["totals"]["held"]
    assert rates["total"]["rate"] == rates["classes"][0]["totals"]["rate"]


def test_a_teacher_reaches_only_the_class_they_teach(
    client: TestClient, database_url: str, seeded: tuple[SeededClass, SeededClass]
) -> None:
    a6, b6 = seeded
    mine = teacher_of(database_url, a6.class_id)
    assert client.get(f"/api/v1/classes/{a6.class_id}/report", headers=mine).status_code == 200
    assert client.get(f"/api/v1/classes/{b6.class_id}/report", headers=mine).status_code == 404
    rates = client.get(f"/api/v1/schools/report?month={MONTH}", headers=mine).json()
    assert [c["id"] for c in rates["classes"]] == [a6.class_id]
    other = b6.students["An"]
    assert client.get(f"/api/v1/people/{other}/school-attendance", headers=mine).status_code == 404


def test_the_report_page_shows_the_matrix_and_its_downloads_in_both_languages(
    client: TestClient, seeded: tuple[SeededClass, SeededClass]
) -> None:
    class_id = seeded[0].class_id
    page = client.get(f"/classes/{class_id}/report?month={MONTH}")
    assert page.status_code == 200, page.text
    assert "Báo cáo chuyên cần lớp 6A" in page.text and "KP: vắng không phép" in page.text
    assert "35,0%" in page.text  # the class: 7 of 20 sessions attended
    assert f"/api/v1/classes/{class_id}/report?month={MONTH}&amp;format=xlsx" in page.text
    assert 'class="mark mark-unexcused">KP</td>' in page.text
    english = client.get(f"/classes/{class_id}/report?month={MONTH}&lang=en")
    assert "Attendance report of class 6A" in english.text
    rates = client.get(f"/schools/report?month={MONTH}")
    assert rates.status_code == 200 and f"/classes/{class_id}/report?month={MONTH}" in rates.text
    binh = seeded[0].students["Bình"]
    history = client.get(f"/people/{binh}/school-attendance?lang=en")
    assert history.status_code == 200 and "School attendance of Trần Thị Bình" in history.text
    bad = client.get(f"/classes/{class_id}/report?month=2025-13")
    assert bad.status_code == 422 and "2026-12" in bad.text


def test_pages_need_a_sign_in(anonymous: TestClient) -> None:
    page = anonymous.get("/schools/report", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    assert anonymous.get("/api/v1/schools/report").status_code == 401


def test_a_day_still_to_come_is_blank_in_the_class_total_not_0_of_0(
    client: TestClient, database_url: str
) -> None:
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        cls = create_class(session, name="9C", school="THCS A", school_year="2099-2100")
        kid = Person(full_name="Lê An", search_name="le an")
        session.add(kid)
        session.flush()
        set_students(session, class_id=cls.id, person_ids=[kid.id])
        create_session(
            session,
            class_id=cls.id,
            day=date(2099, 12, 1),
            start=time(7, 0),
            end=time(7, 45),
            zone="Asia/Ho_Chi_Minh",
            period=1,
        )
        class_id = cls.id
        session.commit()
    engine.dispose()
    page = client.get(f"/classes/{class_id}/report?month=2099-12")
    assert page.status_code == 200, page.text
    assert '<td class="mark" title="C/M/CP/KP"></td>' in page.text
    assert "0/0" not in page.text
