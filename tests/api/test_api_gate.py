"""The school gate over HTTP: gate kiosk tokens, their gallery, their in/out events; and the
consent purpose that decides which faces a lesson or a meeting searches."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from api_support import (
    NAMES,
    T1_PATH,
    ClientFactory,
    centre,
    create_meeting,
    create_people,
    enroll,
    give_consent,
    identify,
    nearest_face,
)
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from test_api_kiosk import kiosk_headers, today_at

from attendance.db import make_engine
from attendance.schools import classes, sessions
from attendance.settings import KioskSettings
from models.types import DetectedFace

ZONE = "Asia/Ho_Chi_Minh"
SCHOOL = "THPT Long Biên"
SCHOOL_ONLY = {"purposes": ["school_attendance"]}


def lesson(db_url: str, school: str, name: str, students: list[int], days: int = 0) -> int:
    """A class of the school with one session lasting the whole (local) day; its meeting id."""
    day = datetime.now(ZoneInfo(ZONE)).date().toordinal() + days
    engine = make_engine(db_url)
    try:
        with Session(engine) as session, session.begin():
            cls = classes.create_class(session, name=name, school=school, school_year="2026-2027")
            classes.set_students(session, class_id=cls.id, person_ids=students)
            row = sessions.create_session(
                session,
                class_id=cls.id,
                day=datetime.fromordinal(day).date(),
                start=time(0, 0),
                end=time(23, 59),
                zone=ZONE,
            )
            return row.meeting_id
    finally:
        engine.dispose()


def gate_headers(client: TestClient, school: str = SCHOOL, name: str = "cổng-1") -> dict[str, str]:
    response = client.post("/api/v1/kiosk-tokens", json={"name": name, "gate": school})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["role"], body["gate"], body["room"]) == ("kiosk", school, None)
    return {"Authorization": f"Bearer {body['token']}"}


def students(client: TestClient, names: list[str], photos: list[bytes]) -> list[int]:
    """People consented (by a guardian) and enrolled for school attendance only."""
    ids = create_people(client, names, consent=False)
    for person_id, photo in zip(ids, photos):
        give_consent(client, person_id, given_by="Phụ huynh", relation="mẹ", **SCHOOL_ONLY)
        response = enroll(client, person_id, photo, purpose="school_attendance")
        assert response.status_code == 201, response.text
    return ids


def test_a_lesson_searches_school_faces_and_a_meeting_meeting_faces(
    client: TestClient,
    database_url: str,
    face_photos: list[bytes],
    t1_faces: list[DetectedFace],
) -> None:
    # 0 and 2 resemble each other little (tests/api/test_api_identify.py).
    (pupil,) = students(client, [NAMES[0]], [face_photos[0]])
    (delegate,) = create_people(client, [NAMES[2]])  # consented for meetings
    assert enroll(client, delegate, face_photos[2]).status_code == 201
    lesson_id = lesson(database_url, SCHOOL, "10A1", [pupil, delegate])
    meeting_id = create_meeting(
        client, [pupil, delegate], starts_at=today_at(0), ends_at=today_at(23, minute=59)
    )

    def decided(meeting: int) -> dict[int, int | None]:
        faces = identify(client, T1_PATH.read_bytes(), meeting)
        found = {nearest_face(centre(f["box"]), t1_faces): f for f in faces}
        return {
            i: (found[i]["person"] or {}).get("id") if found[i]["decision"] == "match" else None
            for i in (0, 2)
        }

    assert decided(lesson_id) == {0: pupil, 2: None}
    assert decided(meeting_id) == {0: None, 2: delegate}
    # A photo check-in searches the same way: the lesson checks in the pupil only.
    for meeting, expected in ((lesson_id, pupil), (meeting_id, delegate)):
        photo = {"file": ("t1.jpg", T1_PATH.read_bytes(), "image/jpeg")}
        answer = client.post(f"/api/v1/meetings/{meeting}/checkins", files=photo)
        assert answer.status_code == 201, answer.text
        assert [e["person"]["id"] for e in answer.json()["events"]] == [expected]


def test_a_gate_token_syncs_todays_students_of_its_school_only(
    client: TestClient, database_url: str, face_photos: list[bytes]
) -> None:
    ids = students(client, list(NAMES[:4]), face_photos[:4])
    lesson(database_url, SCHOOL, "10A1", ids[:2])
    lesson(database_url, SCHOOL, "10A2", ids[2:3], days=1)  # tomorrow only
    lesson(database_url, "THCS Gia Thụy", "6A", ids[3:])
    both = client.post("/api/v1/kiosk-tokens", json={"name": "x", "room": "P1", "gate": SCHOOL})
    neither = client.post("/api/v1/kiosk-tokens", json={"name": "y"})
    assert both.status_code == neither.status_code == 422, (both.text, neither.text)
    gate = gate_headers(client)

    manifest = client.get("/api/v1/kiosk/gallery", headers=gate)
    assert manifest.status_code == 200, manifest.text
    body = manifest.json()
    assert (body["gate"], body["room"], body["gate_checkout_after"]) == (SCHOOL, SCHOOL, "11:00")
    assert [sorted(m["person_ids"]) for m in body["meetings"]] == [sorted(ids[:2])]
    assert {p["id"] for p in body["people"]} == set(ids[:2])
    assert {t["person_id"] for t in body["templates"]} == set(ids[:2])
    arrivals = client.get("/api/v1/kiosk/arrivals", headers=gate)
    assert arrivals.status_code == 200, arrivals.text
    assert client.get("/api/v1/kiosk/gallery?room=P1", headers=gate).status_code == 403
    # Another school's student's face is not the gate's to read.
    theirs = client.get(f"/api/v1/people/{ids[3]}").json()
    assert theirs["templates"] == 1
    outside = client.post("/api/v1/kiosk/templates", json={"ids": list(range(1, 5))}, headers=gate)
    assert outside.status_code == 403, outside.text


def test_gate_events_check_in_in_the_morning_and_out_in_the_afternoon(
    make_client: ClientFactory, database_url: str
) -> None:
    morning = make_client(kiosk=KioskSettings(gate_checkout_after=time(23, 59)))
    mai, hoa = create_people(morning, ["Lê Thị Mai", "Vũ Hoa"])
    mine = lesson(database_url, SCHOOL, "10A1", [mai])
    lesson(database_url, "THCS Gia Thụy", "6A", [hoa])
    gate = gate_headers(morning)
    url = "/api/v1/kiosk/gate/events"

    came = morning.post(url, json={"person_id": mai, "idempotency_key": "g:1:in"}, headers=gate)
    assert came.status_code == 201, came.text
    body = came.json()
    assert (body["direction"], body["kind"], body["source"]) == ("in", "arrived", "gate")
    assert body["meeting_id"] == mine
    again = morning.post(url, json={"person_id": mai, "idempotency_key": "g:1:in"}, headers=gate)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    attendance = morning.get(f"/api/v1/meetings/{mine}/attendance")
    assert attendance.status_code == 200, attendance.text
    (row,) = attendance.json()
    assert row["person"]["id"] == mai and row["status"] != "absent" and not row["left"]

    other = morning.post(url, json={"person_id": hoa, "idempotency_key": "g:2"}, headers=gate)
    assert other.status_code == 403 and other.json()["reason"] == "GATE_NOT_STUDENT", other.text
    # A gate token is no room kiosk, and a room's kiosk or staff are no gate.
    room_route = morning.post(
        f"/api/v1/meetings/{mine}/checkins",
        json={"person_id": mai, "source": "kiosk", "idempotency_key": "r:1"},
        headers=gate,
    )
    assert room_route.status_code == 403, room_route.text
    for headers in (kiosk_headers(morning, room="P1"), {}):
        refused = morning.post(
            url, json={"person_id": mai, "idempotency_key": "x"}, headers=headers
        )
        assert refused.status_code == 403, refused.text

    afternoon = make_client(kiosk=KioskSettings(gate_checkout_after=time(0, 0)))
    left = afternoon.post(url, json={"person_id": mai, "idempotency_key": "g:1:out"}, headers=gate)
    assert left.status_code == 201, left.text
    assert (left.json()["direction"], left.json()["kind"]) == ("out", "left")
    assert left.json()["meeting_id"] == mine
    (row,) = afternoon.get(f"/api/v1/meetings/{mine}/attendance").json()
    assert row["left"] is True


def test_a_students_face_enrolled_again_as_another_student_is_a_duplicate(
    client: TestClient, face_photos: list[bytes]
) -> None:
    (mai,) = students(client, [NAMES[0]], face_photos[:1])
    (again,) = create_people(client, ["Lê Thị Mai (2)"], consent=False)
    give_consent(client, again, given_by="Phụ huynh", relation="cha", **SCHOOL_ONLY)
    refused = enroll(client, again, face_photos[0], purpose="school_attendance")
    assert refused.status_code == 422, refused.text
    assert refused.json()["reason"] == "DUPLICATE_PERSON"
    assert NAMES[0] in refused.json()["detail"] and mai
