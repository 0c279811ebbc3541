"""The class timetable page: the week's lessons in Vietnamese (English with ?lang=en), a lesson
and a weekly pattern added, the school's rules saved (a bad value explained, nothing saved),
and excused absences registered and removed."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sql_support import scalar
from web_support import followed, post, text_of

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.orm import Person
from attendance.schools import classes


@pytest.fixture
def class_id(client: TestClient, database_url: str) -> int:
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        kid = Person(full_name="Nguyễn Thị Hoa", search_name="nguyen thi hoa")
        session.add(kid)
        session.flush()
        cls = classes.create_class(
            session, name="7B", school="THCS Ngọc Lâm", school_year="2026-2027"
        )
        classes.set_students(session, class_id=cls.id, person_ids=[kid.id])
        found = cls.id
    engine.dispose()
    return found


def test_the_page_adds_lessons_and_shows_the_week(client: TestClient, class_id: int) -> None:
    page = f"/classes/{class_id}/timetable"
    empty = client.get(page, params={"week": "2031-01-06"})
    assert empty.status_code == 200
    assert "Thời khóa biểu lớp 7B" in text_of(empty.text)
    assert "Tuần này chưa có tiết học." in text_of(empty.text)
    assert f'href="/classes/{class_id}"' in empty.text
    one = {"day": "2031-01-06", "period": "1", "subject": "Toán", "room": "P101"}
    added = followed(
        client, post(client, f"{page}/sessions", {**one, "start": "07:30", "end": "08:15"})
    )
    assert "Đã thêm tiết học." in text_of(added.text)
    assert "Thứ Hai 06/01" in text_of(added.text) and "07:30 – 08:15" in text_of(added.text)
    pattern = {
        "starts_on": "2031-01-06",
        "ends_on": "2031-01-31",
        "weekday": "3",
        "period": "2",
        "subject": "Văn",
        "start": "08:20",
        "end": "09:05",
        "skip_dates": "2031-01-15",
    }
    weekly = followed(client, post(client, f"{page}/pattern", pattern))
    assert "Đã thêm các tiết học theo tuần." in text_of(weekly.text)
    assert "Thứ Tư 08/01" in text_of(weekly.text)
    skipped = client.get(page, params={"week": "2031-01-13"})
    assert "Văn" not in text_of(skipped.text)  # the 15th was a day off
    later = client.get(page, params={"week": "2031-01-20", "lang": "en"})
    assert "Timetable of class 7B" in text_of(later.text) and "Wednesday 22/01" in text_of(
        later.text
    )
    twice = post(client, f"{page}/sessions", {**one, "start": "07:30", "end": "08:15"})
    assert twice.status_code == 409 and "The class already has period 1" in text_of(twice.text)


def test_rules_and_excused_absences_on_the_page(
    client: TestClient, class_id: int, database_url: str
) -> None:
    page = f"/classes/{class_id}/timetable"
    saved = followed(
        client,
        post(client, f"{page}/rules", {"late_after_minutes": "10", "absent_after_minutes": "20"}),
    )
    assert "Đã lưu quy định của trường." in text_of(saved.text)
    assert 'value="20"' in saved.text
    bad = post(client, f"{page}/rules", {"late_after_minutes": "30", "absent_after_minutes": "20"})
    assert bad.status_code == 422 and "Số phút tính vắng" in text_of(bad.text)
    assert 'value="20"' in client.get(page).text
    kid = re.search(r'<option value="(\d+)">Nguyễn Thị Hoa</option>', saved.text)
    assert kid is not None
    form = {"person_id": kid.group(1), "starts_on": "2031-01-06", "ends_on": "2031-01-07"}
    excused = followed(client, post(client, f"{page}/excused", {**form, "reason": "Ốm sốt"}))
    assert "Đã ghi nghỉ có phép." in text_of(excused.text) and "Ốm sốt" in excused.text
    stranger = post(client, f"{page}/excused", {**form, "person_id": "999999", "reason": "x"})
    assert stranger.status_code == 404
    found = re.search(r'data-excused="(\d+)"', excused.text)
    assert found is not None
    removed = followed(client, post(client, f"{page}/excused/{found.group(1)}/delete", {}))
    assert "Đã xóa đơn xin phép." in text_of(removed.text) and "Ốm sốt" not in removed.text
    assert scalar(database_url, "SELECT count(*) FROM excused_absences") == 0


def test_a_pattern_entered_after_the_fact_says_how_many_were_already_past(
    client: TestClient, class_id: int
) -> None:
    page = f"/classes/{class_id}/timetable"
    pattern = {
        "starts_on": "2020-01-06",
        "ends_on": "2020-01-13",
        "weekday": "1",
        "period": "1",
        "start": "07:30",
        "end": "08:15",
    }
    vi = text_of(followed(client, post(client, f"{page}/pattern", pattern)).text)
    assert "Đã tạo 2 tiết, trong đó 2 tiết đã qua giờ chốt vắng" in vi
    assert "Nhập sau giờ chốt: không tự ghi vắng" in vi  # the week of 6 Jan 2020 is shown
    en = text_of(followed(client, post(client, f"{page}/pattern?lang=en", pattern)).text)
    assert "0 lessons were created" in en
    fresh = {**pattern, "starts_on": "2031-01-06", "ends_on": "2031-01-06"}
    ahead = text_of(followed(client, post(client, f"{page}/pattern?lang=en", fresh)).text)
    assert "1 lessons were created." in ahead and "cut-off" not in ahead


def test_the_excused_student_list_is_in_vietnamese_name_order(
    client: TestClient, class_id: int, database_url: str
) -> None:
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        kids = [
            Person(full_name=name, search_name=name)
            for name in ("Lê Văn Bình", "Trần Thị An", "Đỗ Đức Anh")
        ]
        session.add_all(kids)
        session.flush()
        known = classes.student_ids(session, class_id=class_id)
        classes.set_students(session, class_id=class_id, person_ids=known + [k.id for k in kids])
    engine.dispose()
    page = client.get(f"/classes/{class_id}/timetable").text
    select = re.search(r'<select name="person_id">(.*?)</select>', page, re.S)
    assert select
    # Given name first, then the Vietnamese alphabet: An, Anh, Bình, Hoa.
    assert re.findall(r">([^<]+)</option>", select[1]) == [
        "Trần Thị An",
        "Đỗ Đức Anh",
        "Lê Văn Bình",
        "Nguyễn Thị Hoa",
    ]
