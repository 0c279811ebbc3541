"""Dates at the limits: outside 2000..2100, or not a date at all, are refused, never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, post, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
GOOD = {"title": "Họp", "starts_at": "2026-03-02T08:00:00", "ends_at": "2026-03-02T11:00:00"}


def api_meeting(client: TestClient, **fields: Any) -> httpx.Response:
    return client.post("/api/v1/meetings", json=GOOD | fields, headers=BEARER)


@pytest.mark.parametrize(
    "fields",
    [
        {"starts_at": "9999-12-31T08:00:00", "ends_at": "9999-12-31T11:00:00"},
        {"starts_at": "0001-01-01T08:00:00", "ends_at": "0001-01-01T11:00:00"},
        {"starts_at": "1999-12-31T08:00:00"},
        {"ends_at": "2101-01-01T08:00:00"},
        {"starts_at": 0},
        {"starts_at": 1767225600},
        {"starts_at": 1.5},
        {"starts_at": "1767225600"},
        {"starts_at": True},
    ],
    ids=["9999", "year-1", "1999", "2101", "zero", "unix-int", "float", "unix-text", "bool"],
)
def test_a_meeting_outside_the_supported_dates_is_a_422(
    client: TestClient, fields: dict[str, Any]
) -> None:
    response = api_meeting(client, **fields)
    assert response.status_code == 422, response.text
    assert response.json()["reason"] in {"INVALID_REQUEST", "INVALID_DATE", "INVALID"}
    assert client.get("/api/v1/meetings", headers=BEARER).json() == []


def test_an_iso_date_string_is_still_a_date(client: TestClient) -> None:
    response = api_meeting(
        client, starts_at="2026-03-02T08:00:00+07:00", ends_at="2026-03-02T11:00:00Z"
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "at", ["9999-12-31T08:00:00+07:00", "0001-01-01T00:00:00", 0, 1767225600, "1767225600"]
)
def test_a_check_in_or_check_out_at_outside_the_dates_is_a_422(client: TestClient, at: Any) -> None:
    meeting_id = api_meeting(client).json()["id"]
    person = client.post("/api/v1/people", json={"full_name": "An"}, headers=BEARER).json()
    url = f"/api/v1/meetings/{meeting_id}/participants"
    client.put(url, json={"person_ids": [person["id"]]}, headers=BEARER)
    body = {"person_id": person["id"], "source": "k", "idempotency_key": "k", "at": at}
    checkin = client.post(f"/api/v1/meetings/{meeting_id}/checkins", json=body, headers=BEARER)
    assert checkin.status_code == 422, checkin.text
    out = {"person_id": person["id"], "reason": "Về", "at": at}
    checkout = client.post(f"/api/v1/meetings/{meeting_id}/checkouts", json=out, headers=BEARER)
    assert checkout.status_code == 422, checkout.text


@pytest.mark.parametrize("when", ["9999-12-31T08:00", "0001-01-01T08:00", "1999-12-31T08:00"])
def test_the_meeting_form_with_such_a_date_shows_the_pages_error(
    client: TestClient, when: str
) -> None:
    form = {"title": "Họp", "starts_at": when, "ends_at": when.replace("08:00", "11:00")}
    response = post(client, "/meetings", form)
    assert response.status_code == 422, response.text
    assert "2000" in text_of(response.text) and "2100" in text_of(response.text)
    meeting_id = create_meeting(client)
    edit = post(client, f"/meetings/{meeting_id}/edit", form)
    assert edit.status_code == 422, edit.text


def test_a_meeting_on_the_last_supported_day_works_end_to_end(client: TestClient) -> None:
    response = api_meeting(
        client, starts_at="2100-12-31T08:00:00", ends_at="2100-12-31T23:59:00", room="P1"
    )
    assert response.status_code == 201, response.text
    meeting_id = response.json()["id"]
    person = client.post("/api/v1/people", json={"full_name": "An"}, headers=BEARER).json()
    url = f"/api/v1/meetings/{meeting_id}/participants"
    assert client.put(url, json={"person_ids": [person["id"]]}, headers=BEARER).status_code == 200
    rows = client.get(f"/api/v1/meetings/{meeting_id}/attendance", headers=BEARER)
    # In the year 2100 nobody is absent yet: not arrived.
    assert rows.status_code == 200 and rows.json()[0]["status"] == "not_arrived"
    for fmt in ("xlsx", "csv", "pdf"):
        exported = client.get(f"/api/v1/meetings/{meeting_id}/export?format={fmt}", headers=BEARER)
        assert exported.status_code == 200, (fmt, exported.text[:300])
    for page in ("/meetings/{}", "/board/{}", "/meetings/{}/polls"):
        assert client.get(page.format(meeting_id)).status_code == 200, page
    poll = client.post(
        f"/api/v1/meetings/{meeting_id}/polls", json={"title": "Thông qua"}, headers=BEARER
    )
    assert poll.status_code == 201, poll.text
    assert client.get(f"/api/v1/meetings/{meeting_id}/polls", headers=BEARER).status_code == 200
