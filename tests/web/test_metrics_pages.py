"""A check-in typed in on the meeting page counts in /metrics as `manual`: recorded,
duplicate, or refused by its code."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from web_support import ADMIN_TOKEN, create_meeting, post

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def person(client: TestClient, name: str) -> int:
    response = client.post("/api/v1/people", json={"full_name": name}, headers=BEARER)
    assert response.status_code == 201, response.text
    person_id: int = response.json()["id"]
    return person_id


def test_check_ins_typed_on_the_page_are_counted_as_manual(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    invited, stranger = person(client, "Tạ Quang Huy"), person(client, "Lý Thị Mai")
    roster = {"person_ids": [invited]}
    put = client.put(f"/api/v1/meetings/{meeting_id}/participants", json=roster, headers=BEARER)
    assert put.status_code == 200, put.text
    for who, key in ((invited, "a"), (invited, "b"), (stranger, "c")):
        form = {"person_id": str(who), "reason": "Quên thẻ", "at": "2026-03-02T08:05", "key": key}
        answer = post(client, f"/meetings/{meeting_id}/checkin", form)
        assert answer.status_code in (200, 303, 403), answer.text
    scraped = client.get("/metrics", headers=BEARER)
    assert scraped.status_code == 200, scraped.text
    counted = {
        sample.labels["decision"]: sample.value
        for family in text_string_to_metric_families(scraped.text)
        for sample in family.samples
        if sample.name == "attendance_checkins_total" and sample.labels["source"] == "manual"
    }
    assert counted == {"recorded": 1, "duplicate": 1, "NOT_ON_ROSTER": 1}
