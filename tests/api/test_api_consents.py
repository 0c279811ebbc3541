"""Consent before enrollment, its withdrawal erasing the templates stored under it, erasure
answers that say when, and the people list flagging who has no consent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api_support import NAMES, create_people, enroll, give_consent, template_count
from fastapi.testclient import TestClient

Rows = Callable[[], dict[str, int]]


def audit_of(client: TestClient, action: str) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/audit", params={"action": action})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_a_photo_without_consent_is_refused_and_nothing_is_stored(
    client: TestClient, face_photos: list[bytes], rows: Rows
) -> None:
    [an] = create_people(client, NAMES[:1], consent=False)
    refused = enroll(client, an, face_photos[0])
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["reason"] == "CONSENT_REQUIRED"
    assert "đồng ý" in body["detail"] and "record their consent" in body["detail"]
    assert rows()["face_templates"] == 0

    give_consent(client, an, given_by=NAMES[0])
    assert enroll(client, an, face_photos[0]).status_code == 201


def test_a_consent_is_recorded_with_who_what_how_and_by_whom(client: TestClient) -> None:
    [child] = create_people(client, ["Lê Minh Khôi"], consent=False)
    body = {
        "given_by": "Nguyễn Thị Mai",
        "relation": "mẹ",
        "purposes": ["school_attendance", "meetings"],
        "method": "web_checkbox",
    }
    created = client.post(f"/api/v1/people/{child}/consents", json=body)
    assert created.status_code == 201, created.text
    consent = created.json()
    assert consent | {"purposes": sorted(body["purposes"])} == consent
    assert consent["person_id"] == child and consent["reference"] is None
    assert consent["recorded_by"] and consent["withdrawn_at"] is None
    assert consent["recorded_at"].endswith("+07:00")  # the deployment's zone, as meetings
    assert client.get(f"/api/v1/people/{child}/consents").json() == [consent]
    [entry] = audit_of(client, "consent_recorded")
    assert entry["detail"]["relation"] == "mẹ" and entry["person"]["id"] == child


def test_an_unusable_consent_gets_a_4xx_that_says_what_to_fix(
    client: TestClient, rows: Rows
) -> None:
    [an] = create_people(client, NAMES[:1], consent=False)
    url = f"/api/v1/people/{an}/consents"
    good = {"given_by": "An", "relation": "self", "purposes": ["meetings"], "method": "paper_form"}
    for change in (
        {"purposes": []},
        {"purposes": ["marketing"]},
        {"method": "verbal"},
        {"relation": " "},
        {"given_by": "  "},
    ):
        answer = client.post(url, json={**good, **change})
        assert answer.status_code == 422, (change, answer.text)
        assert answer.json()["reason"] in {"INVALID_REQUEST", "INVALID_CONSENT"}, change
    assert client.post("/api/v1/people/999999/consents", json=good).status_code == 404
    assert client.get(url).json() == []


def test_enrollment_needs_a_consent_for_its_purpose(
    client: TestClient, face_photos: list[bytes]
) -> None:
    [an] = create_people(client, NAMES[:1], consent=False)
    give_consent(client, an, purposes=["school_attendance"])
    refused = enroll(client, an, face_photos[0], purpose="meetings")
    assert refused.json()["reason"] == "CONSENT_REQUIRED"
    assert enroll(client, an, face_photos[0], purpose="school_attendance").status_code == 201
    # No purpose named: the one their consent covers (school attendance here), not meetings.
    again = enroll(client, an, face_photos[1])
    assert again.status_code in (200, 201), again.text


def test_withdrawing_a_consent_erases_its_templates_and_says_when(
    client: TestClient, face_photos: list[bytes], rows: Rows
) -> None:
    an, binh = create_people(client, NAMES[:2])
    assert enroll(client, an, face_photos[0]).status_code == 201
    assert enroll(client, binh, face_photos[1]).status_code == 201
    [consent] = client.get(f"/api/v1/people/{an}/consents").json()
    gone = client.delete(f"/api/v1/people/{an}/consents/{consent['id']}")
    assert gone.status_code == 200, gone.text
    answer = gone.json()
    assert answer["templates_erased"] == 1 and answer["withdrawn_at"]
    assert template_count(client, an) == 0 and template_count(client, binh) == 1
    [listed] = client.get(f"/api/v1/people/{an}/consents").json()
    assert listed["withdrawn_at"] is not None  # kept as the record of what was done
    [entry] = audit_of(client, "consent_withdrawn")
    assert entry["detail"]["templates_erased"] == 1 and entry["detail"]["erased_at"]
    again = client.delete(f"/api/v1/people/{an}/consents/{consent['id']}")
    assert again.status_code == 409 and again.json()["reason"] == "CONSENT_WITHDRAWN"
    assert client.get(f"/api/v1/people/{an}").json()["consent"] == "withdrawn"
    assert enroll(client, an, face_photos[0]).json()["reason"] == "CONSENT_REQUIRED"
    assert client.delete(f"/api/v1/people/{binh}/consents/{consent['id']}").status_code == 404


def test_erasure_and_deletion_answer_and_log_when(
    client: TestClient, face_photos: list[bytes]
) -> None:
    an, binh = create_people(client, NAMES[:2])
    assert enroll(client, an, face_photos[0]).status_code == 201
    assert enroll(client, binh, face_photos[1]).status_code == 201
    erased = client.delete(f"/api/v1/people/{an}/templates").json()
    assert erased["erased"] == 1 and erased["erased_at"]
    [entry] = audit_of(client, "templates_erased")
    assert entry["detail"] == {
        "templates_erased": 1,
        "erased_at": entry["detail"]["erased_at"],
        "person_name": NAMES[0],
    }
    deleted = client.delete(f"/api/v1/people/{binh}").json()
    assert deleted["erased_at"] and deleted["records"]["templates"] == 1
    [entry] = audit_of(client, "person_deleted")
    assert entry["detail"]["templates_erased"] == 1 and entry["detail"]["erased_at"]


def test_people_without_consent_are_flagged_and_can_be_listed(client: TestClient) -> None:
    an, binh, cuong = create_people(client, NAMES[:3], consent=False)
    give_consent(client, an)
    withdrawn = give_consent(client, cuong)
    client.delete(f"/api/v1/people/{cuong}/consents/{withdrawn['id']}")
    everyone = {p["id"]: p["consent"] for p in client.get("/api/v1/people").json()}
    assert everyone == {an: "given", binh: "missing", cuong: "withdrawn"}
    missing = client.get("/api/v1/people", params={"consent": "missing"}).json()
    assert [p["id"] for p in missing] == [binh]
    given = client.get("/api/v1/people", params={"consent": "given"}).json()
    assert [p["id"] for p in given] == [an]
    assert client.get("/api/v1/people", params={"consent": "maybe"}).status_code == 422
