"""A class's sessions (one by one and from a weekly pattern), school rules and excused
absences through the API: what is created, what is refused (and that a refusal writes
nothing), and that a teacher reaches only their own classes' students."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from api_support import ADMIN_TOKEN, count_rows, create_people, query
from fastapi.testclient import TestClient
from permission_support import account_id, add_account
from test_openapi_contract import FAKE

from api.app import create_app
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.schools import classes
from attendance.settings import Settings
from attendance.tokens import TEACHER

SCHOOL = "THCS Ngọc Lâm"


@dataclass
class School:
    client: TestClient
    db_url: str
    class_id: int
    kids: list[int]
    teacher: str  # a bearer token of the class's teacher
    stranger: str  # a teacher of no class


@pytest.fixture
def school(database_url: str) -> Iterator[School]:
    url = database_url
    settings = Settings(db_url=url, admin_token=ADMIN_TOKEN, allowed_hosts=["testserver"])
    app = create_app(settings, pipeline_factory=lambda _: FAKE, warm_up=False)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(app, raise_server_exceptions=False, headers=admin) as client:
        kids = create_people(client, ["Nguyễn Văn An", "Trần Thị Bình"])
        teacher = add_account(url, "co_lan", TEACHER)
        stranger = add_account(url, "thay_minh", TEACHER)
        engine = make_engine(url)
        with unit_of_work(make_session_factory(engine)) as session:
            cls = classes.create_class(session, name="6A", school=SCHOOL, school_year="2026-2027")
            classes.set_students(session, class_id=cls.id, person_ids=kids)
            classes.set_teachers(session, class_id=cls.id, account_ids=[account_id(url, "co_lan")])
            class_id = cls.id
        engine.dispose()
        yield School(client, url, class_id, kids, teacher, stranger)


def test_a_session_is_created_with_local_times_and_is_a_meeting(school: School) -> None:
    client = school.client
    url = f"/api/v1/classes/{school.class_id}/sessions"
    body = {"date": "2030-01-07", "period": 1, "subject": "Toán", "room": "P101"}
    made = client.post(url, json={**body, "start": "07:30", "end": "08:15"})
    assert made.status_code == 201, made.text
    read = made.json()
    assert read["start"] == "07:30" and read["starts_at"] == "2030-01-07T07:30:00+07:00"
    assert read["late_after_minutes"] == 5 and read["absent_marked_at"] is None
    meeting = client.get(f"/api/v1/meetings/{read['id']}")
    assert meeting.status_code == 200 and meeting.json()["room"] == "P101"
    roster = client.get(f"/api/v1/meetings/{read['id']}/participants").json()
    assert sorted(p["person"]["id"] for p in roster) == school.kids
    again = client.post(url, json={**body, "start": "07:30", "end": "08:15"})
    assert again.status_code == 409 and again.json()["reason"] == "SESSION_EXISTS"
    backwards = client.post(url, json={**body, "period": 2, "start": "09:00", "end": "08:00"})
    assert backwards.status_code == 422 and backwards.json()["reason"] == "SESSION_TIMES"
    far = client.post(url, json={**body, "date": "3933-04-25", "start": "07:30", "end": "08:15"})
    assert far.status_code == 422 and "outside the supported range" in far.json()["detail"]
    offset = client.post(url, json={**body, "period": 3, "start": "07:30+07:00", "end": "08:15"})
    assert offset.status_code == 422
    listed = client.get(url, params={"from": "2030-01-07", "to": "2030-01-07"}).json()
    assert [s["id"] for s in listed] == [read["id"]]
    assert client.get(url, params={"from": "2030-01-08"}).json() == []
    # The class's teacher reads them; another teacher is told there is no such class.
    mine = client.get(url, headers={"Authorization": f"Bearer {school.teacher}"})
    assert mine.status_code == 200 and len(mine.json()) == 1
    other = client.get(url, headers={"Authorization": f"Bearer {school.stranger}"})
    assert other.status_code == 404
    gone = client.delete(f"{url}/{read['id']}")
    assert gone.status_code == 204
    assert client.get(f"/api/v1/meetings/{read['id']}").status_code == 404
    assert client.delete(f"{url}/{read['id']}").status_code == 404


def test_a_weekly_pattern_is_all_or_nothing_and_not_made_twice(school: School) -> None:
    client = school.client
    url = f"/api/v1/classes/{school.class_id}/sessions/pattern"
    slot = {"weekday": 1, "period": 1, "subject": "Toán", "room": "P101"}
    weekly = [
        {**slot, "start": "07:30", "end": "08:15"},
        {**slot, "period": 2, "subject": "Văn", "start": "08:20", "end": "09:05"},
        {**slot, "weekday": 3, "period": 1, "start": "07:30", "end": "08:15"},
    ]
    # Mondays 6, 13, 20 and Wednesdays 8, 15, 22 Jan 2031; the 15th is a holiday.
    body = {
        "starts_on": "2031-01-06",
        "ends_on": "2031-01-22",
        "weekly": weekly,
        "skip_dates": ["2031-01-15"],
    }
    made = client.post(url, json=body)
    assert made.status_code == 201, made.text
    assert len(made.json()["created"]) == 8 and made.json()["existing"] == []
    days = [s["date"] for s in client.get(f"/api/v1/classes/{school.class_id}/sessions").json()]
    assert "2031-01-15" not in days and days.count("2031-01-06") == 2
    again = client.post(url, json={**body, "ends_on": "2031-01-29"})
    assert again.status_code == 201
    assert len(again.json()["created"]) == 3 and sorted(again.json()["existing"]) == sorted(
        made.json()["created"]
    )
    before = count_rows(school.db_url)
    bad = {**body, "weekly": [*weekly, {**slot, "period": 3, "start": "10:00", "end": "09:00"}]}
    refused = client.post(url, json=bad)
    assert refused.status_code == 422 and refused.json()["reason"] == "SESSION_TIMES"
    huge = {**body, "starts_on": "2031-01-01", "ends_on": "2031-12-31", "skip_dates": []}
    huge["weekly"] = [
        {**slot, "weekday": d, "period": p, "start": "07:00", "end": "07:45"}
        for d in range(1, 8)
        for p in range(1, 4)
    ]
    too_many = client.post(url, json=huge)
    assert too_many.status_code == 422 and too_many.json()["reason"] == "PATTERN_TOO_LARGE"
    assert "1000" in too_many.json()["detail"]
    assert count_rows(school.db_url) == before
    wrong_day = client.post(url, json={**body, "weekly": [{**slot, "weekday": 8}]})
    assert wrong_day.status_code == 422
    assert client.post("/api/v1/classes/999/sessions/pattern", json=body).status_code == 404


def test_school_rules_are_read_written_and_bounded(school: School) -> None:
    client = school.client
    url = f"/api/v1/schools/{SCHOOL}/rules"
    assert client.get(url).json() == {
        "school": SCHOOL,
        "late_after_minutes": 5,
        "absent_after_minutes": 15,
    }
    put = client.put(url, json={"late_after_minutes": 10, "absent_after_minutes": 30})
    assert put.status_code == 200 and put.json()["absent_after_minutes"] == 30
    assert client.get(url).json()["late_after_minutes"] == 10
    made = client.post(
        f"/api/v1/classes/{school.class_id}/sessions",
        json={"date": "2030-02-04", "period": 1, "start": "07:30", "end": "08:15"},
    )
    assert made.json()["late_after_minutes"] == 10
    upside = client.put(url, json={"late_after_minutes": 20, "absent_after_minutes": 10})
    assert upside.status_code == 422 and upside.json()["reason"] == "RULES_INVALID"
    assert "absent_after_minutes" in upside.json()["detail"]
    assert client.put(url, json={"late_after_minutes": -1, "absent_after_minutes": 10}).is_error
    assert client.get(url).json()["absent_after_minutes"] == 30
    teacher = {"Authorization": f"Bearer {school.teacher}"}
    assert client.get(url, headers=teacher).status_code == 403


def test_excused_absences_by_the_office_or_the_student_s_teacher(school: School) -> None:
    client = school.client
    kid = school.kids[0]
    url = f"/api/v1/people/{kid}/excused-absences"
    body = {"starts_on": "2030-01-07", "ends_on": "2030-01-09", "reason": "Ốm, mẹ xin phép"}
    made = client.post(url, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["recorded_by"] and made.json()["reason"] == "Ốm, mẹ xin phép"
    teacher = {"Authorization": f"Bearer {school.teacher}"}
    by_teacher = client.post(url, json={**body, "reason": "Đi khám"}, headers=teacher)
    assert by_teacher.status_code == 201, by_teacher.text
    assert by_teacher.json()["recorded_by"] != made.json()["recorded_by"]
    stranger = {"Authorization": f"Bearer {school.stranger}"}
    assert client.post(url, json=body, headers=stranger).status_code == 404
    assert client.get(url, headers=stranger).status_code == 404
    assert len(client.get(url, headers=teacher).json()) == 2
    backwards = client.post(url, json={**body, "ends_on": "2030-01-01"})
    assert backwards.status_code == 422 and backwards.json()["reason"] == "EXCUSED_DATES"
    blank = client.post(url, json={**body, "reason": "   "})
    assert blank.status_code == 422
    assert client.post("/api/v1/people/999999/excused-absences", json=body).status_code == 404
    gone = client.delete(f"{url}/{made.json()['id']}", headers=teacher)
    assert gone.status_code == 204
    assert [r["id"] for r in client.get(url).json()] == [by_teacher.json()["id"]]
    assert client.delete(f"{url}/{made.json()['id']}").status_code == 404
    actions = [r[0] for r in query(school.db_url, "SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("excused_absence_added") == 2
    assert actions.count("excused_absence_removed") == 1


def test_a_pattern_entered_after_the_fact_says_which_sessions_were_already_past(
    school: School,
) -> None:
    url = f"/api/v1/classes/{school.class_id}/sessions/pattern"
    slot = {"weekday": 1, "period": 1, "start": "07:30", "end": "08:15"}
    # Mondays 6 and 13 Jan 2020: long past when entered.
    past = school.client.post(
        url, json={"starts_on": "2020-01-06", "ends_on": "2020-01-13", "weekly": [slot]}
    )
    assert past.status_code == 201, past.text
    answer = past.json()
    assert len(answer["created"]) == 2 and answer["past"] == answer["created"]
    assert "2 tiết đã qua giờ chốt vắng" in answer["message"]
    assert "will not be marked absent automatically" in answer["message"]
    later = school.client.post(
        url, json={"starts_on": "2031-01-06", "ends_on": "2031-01-06", "weekly": [slot]}
    )
    assert later.json()["past"] == [] and later.json()["message"] == (
        "Đã tạo 1 tiết học. Created 1 session(s)."
    )
