"""A minor's face (under 18 on the day: Decree 13/2023 art. 20) is stored only under a
guardian's consent covering school attendance; an adult student's own consent suffices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from api_support import create_people, enroll, give_consent
from fastapi.testclient import TestClient

Rows = Callable[[], dict[str, int]]


def born(years_ago: int) -> str:
    today = date.today()
    return date(today.year - years_ago, today.month, min(today.day, 28)).isoformat()


def test_a_minor_s_face_needs_a_guardian_s_consent_for_school_attendance(
    client: TestClient, face_photos: list[bytes], rows: Rows
) -> None:
    [kid] = create_people(client, ["Nguyễn Bảo Ngọc"], consent=False)
    details = {"student_code": "HS-7", "date_of_birth": born(12), "guardians": []}
    assert client.put(f"/api/v1/people/{kid}/student", json=details).status_code == 200
    school = {"name": "6A1", "school": "THCS Long Biên", "school_year": "2026-2027"}
    class_id = client.post("/api/v1/classes", json=school).json()["id"]
    client.put(f"/api/v1/classes/{class_id}/students", json={"person_ids": [kid]})

    def shown() -> str:
        [student] = client.get(f"/api/v1/classes/{class_id}").json()["students"]
        state: str = student["consent"]
        return state

    # The child's own consent is not recorded: a guardian gives it.
    own = {
        "given_by": "Nguyễn Bảo Ngọc",
        "relation": "self",
        "purposes": ["school_attendance"],
        "method": "paper_form",
    }
    answer = client.post(f"/api/v1/people/{kid}/consents", json=own)
    assert answer.status_code == 422, answer.text
    assert answer.json()["reason"] == "GUARDIAN_CONSENT_REQUIRED"
    assert "người giám hộ" in answer.json()["detail"]
    assert client.get(f"/api/v1/people/{kid}/consents").json() == []
    assert shown() == "missing"
    refused = enroll(client, kid, face_photos[0], purpose="school_attendance")
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["reason"] == "GUARDIAN_CONSENT_REQUIRED"
    assert "người giám hộ" in body["detail"] and "guardian's consent" in body["detail"]
    assert rows()["face_templates"] == 0
    # A guardian's consent for meetings only does not cover a school's attendance.
    give_consent(client, kid, given_by="Nguyễn Thị Lan", relation="mẹ", purposes=["meetings"])
    again = enroll(client, kid, face_photos[0], purpose="school_attendance")
    assert again.json()["reason"] == "GUARDIAN_CONSENT_REQUIRED"
    # Asked for meetings, the refusal names both purposes the guardian must cover.
    both = enroll(client, kid, face_photos[0], purpose="meetings").json()
    assert "'meetings' and 'school_attendance'" in both["detail"], both
    give_consent(
        client, kid, given_by="Nguyễn Thị Lan", relation="mẹ", purposes=["school_attendance"]
    )
    assert shown() == "given"
    # No purpose named (the README's curl): the one the guardian's consent covers.
    stored = enroll(client, kid, face_photos[0])
    assert stored.status_code == 201, stored.text
    assert rows()["face_templates"] == 1


def test_an_adult_student_consents_for_themselves(
    client: TestClient, face_photos: list[bytes]
) -> None:
    [grown] = create_people(client, ["Trần Quốc Huy"], consent=False)
    details = {"student_code": "HS-18", "date_of_birth": born(19)}
    assert client.put(f"/api/v1/people/{grown}/student", json=details).status_code == 200
    give_consent(client, grown, given_by="Trần Quốc Huy", purposes=["school_attendance"])
    stored = enroll(client, grown, face_photos[1], purpose="school_attendance")
    assert stored.status_code == 201, stored.text
