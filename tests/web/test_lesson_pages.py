"""A lesson's meeting page reads as a lesson (students, no voting, polls or meeting roster
import, excused absences shown as such, links back to the class and its timetable), and the
meetings list shows meetings only unless asked to include lessons (the API keeps its answer
unless `?lessons=false`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

import pytest
from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, text_of

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.orm import Meeting, Person
from attendance.schools import classes, sessions
from attendance.schools.excused import add_excused

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
DAY = date(2020, 1, 6)  # long past: both students are absent by now
CREATED = datetime(2019, 12, 1, tzinfo=timezone.utc)


@dataclass
class Lesson:
    class_id: int
    meeting_id: int
    kids: list[int]


@pytest.fixture
def lesson(client: TestClient, database_url: str) -> Lesson:
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        kids = [
            Person(full_name="Nguyễn Thị Hoa", search_name="nguyen thi hoa"),
            Person(full_name="Trần Văn Nam", search_name="tran van nam"),
        ]
        session.add_all(kids)
        session.flush()
        cls = classes.create_class(session, name="7B", school="THCS Ngọc Lâm", school_year="2019")
        classes.set_students(session, class_id=cls.id, person_ids=[k.id for k in kids])
        row = sessions.create_session(
            session,
            class_id=cls.id,
            day=DAY,
            start=time(7, 30),
            end=time(8, 15),
            zone="Asia/Ho_Chi_Minh",
            period=1,
            subject="Toán",
        )
        add_excused(
            session, person_id=kids[0].id, starts_on=DAY, ends_on=DAY, reason="Ốm", actor="office"
        )
        # Entered in the timetable before it happened, as a school does.
        meeting = session.get(Meeting, row.meeting_id)
        assert meeting is not None
        meeting.created_at = CREATED
        found = Lesson(cls.id, row.meeting_id, [k.id for k in kids])
    engine.dispose()
    return found


def test_a_lesson_page_speaks_of_students_not_delegates(client: TestClient, lesson: Lesson) -> None:
    page = client.get(f"/meetings/{lesson.meeting_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Học sinh" in text and "Khách mời (không biểu quyết)" not in text
    assert "Cho quyền biểu quyết" not in text and "voting-rights" not in page.text
    assert f"/meetings/{lesson.meeting_id}/polls" not in page.text
    assert f"/meetings/{lesson.meeting_id}/roster" not in page.text
    assert "/remove" not in page.text and 'id="add"' not in page.text
    assert f'href="/classes/{lesson.class_id}"' in page.text
    assert f'href="/classes/{lesson.class_id}/timetable"' in page.text
    assert '<p class="crumbs"><a href="/meetings">' not in page.text
    hoa = page.text.split(f'id="person-{lesson.kids[0]}"')[1].split("</tr>")[0]
    nam = page.text.split(f'id="person-{lesson.kids[1]}"')[1].split("</tr>")[0]
    assert "Vắng có phép" in hoa and "Vắng có phép" not in nam and "Vắng" in nam
    # Still a page to take attendance on: check-in, class photo, board, exports.
    for kept in ("/checkin", "class-photo", f"/board/{lesson.meeting_id}", "export-xlsx"):
        assert kept in page.text
    english = client.get(f"/meetings/{lesson.meeting_id}", params={"lang": "en"})
    assert "Excused" in text_of(english.text) and "Student" in text_of(english.text)
    assert f'href="/classes/{lesson.class_id}?lang=en"' in english.text


def test_a_lesson_entered_after_its_cut_off_says_not_recorded_not_absent(
    client: TestClient, lesson: Lesson, database_url: str
) -> None:
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        meeting = session.get(Meeting, lesson.meeting_id)
        assert meeting is not None
        meeting.created_at = datetime.now(timezone.utc)  # typed in today, years after
    engine.dispose()
    page = client.get(f"/meetings/{lesson.meeting_id}").text
    nam = page.split(f'id="person-{lesson.kids[1]}"')[1].split("</tr>")[0]
    assert "Chưa ghi nhận" in nam and "Vắng" not in nam  # as the reports: blank, not absent
    english = client.get(f"/meetings/{lesson.meeting_id}", params={"lang": "en"}).text
    assert "Not recorded" in english.split(f'id="person-{lesson.kids[1]}"')[1].split("</tr>")[0]


def test_a_meeting_page_keeps_its_voting_and_roster_tools(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    page = client.get(f"/meetings/{meeting_id}")
    assert f"/meetings/{meeting_id}/polls" in page.text
    assert f"/meetings/{meeting_id}/roster" in page.text
    assert '<p class="crumbs"><a href="/meetings">' in page.text


def test_the_meetings_list_hides_lessons_unless_asked(client: TestClient, lesson: Lesson) -> None:
    meeting_id = create_meeting(client)
    listed = client.get("/meetings")
    assert f'href="/meetings/{meeting_id}"' in listed.text
    assert f'href="/meetings/{lesson.meeting_id}"' not in listed.text
    assert "Hiện cả tiết học" in text_of(listed.text)
    everything = client.get("/meetings", params={"lessons": "1", "lang": "en"})
    assert f'href="/meetings/{lesson.meeting_id}"' in everything.text
    assert f'href="/meetings/{meeting_id}"' in everything.text
    assert "Meetings only" in text_of(everything.text)
    api = client.get("/api/v1/meetings", headers=BEARER).json()
    assert {m["id"] for m in api} == {meeting_id, lesson.meeting_id}  # the contract as before
    only = client.get("/api/v1/meetings", params={"lessons": "false"}, headers=BEARER).json()
    assert [m["id"] for m in only] == [meeting_id]
