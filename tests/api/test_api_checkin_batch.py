"""POST /meetings/{id}/checkins/batch: each event checked in as the single route would, with
its own key and result; one refused event leaves the others; a batch too large is refused
whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api_support import NAMES, create_meeting, create_people
from fastapi.testclient import TestClient
from test_api_checkins import STARTS, attendance
from test_api_kiosk import kiosk_headers
from test_api_kiosk_keys import open_now

Rows = Callable[[], dict[str, int]]


def event(person_id: int, key: str, **fields: Any) -> dict[str, Any]:
    return {"person_id": person_id, "source": "kiosk-1", "idempotency_key": key, **fields}


def batch(
    client: TestClient, meeting_id: int, events: list[dict[str, Any]], **kw: Any
) -> list[dict[str, Any]]:
    response = client.post(
        f"/api/v1/meetings/{meeting_id}/checkins/batch", json={"events": events}, **kw
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_each_event_gets_its_own_result_and_a_refused_one_stops_no_other(
    client: TestClient, rows: Rows
) -> None:
    invited = create_people(client, NAMES[:3])
    (stranger,) = create_people(client, ["Ngô Thị Lạ"])
    meeting_id = create_meeting(client, invited)
    results = batch(
        client,
        meeting_id,
        [
            event(invited[0], "b-1", at=STARTS),
            event(stranger, "b-2", at=STARTS),  # not on the roster: 403, written nothing
            event(invited[1], "b-3", at=STARTS),
            event(invited[0], "b-1", at=STARTS),  # the same key again: the first event, 200
            event(invited[2], "b-1", at=STARTS),  # that key for someone else: 409
        ],
    )
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4]
    assert [r["status"] for r in results] == [201, 403, 201, 200, 409]
    assert results[1]["error"]["reason"] == "NOT_ON_ROSTER" and results[1]["event"] is None
    assert "." in results[1]["error"]["detail"]  # the bilingual message, as the route gives
    assert results[4]["error"]["reason"] == "IDEMPOTENCY_KEY_REUSED"
    assert results[3]["event"]["id"] == results[0]["event"]["id"]
    assert results[3]["event"]["created"] is False
    assert rows()["attendance_events"] == 2
    present = attendance(client, meeting_id)
    assert present[NAMES[0]]["first_seen_at"] and present[NAMES[1]]["first_seen_at"]
    assert present[NAMES[2]]["first_seen_at"] is None


def test_the_batch_again_records_nothing_twice(client: TestClient, rows: Rows) -> None:
    ids = create_people(client, NAMES[:2])
    meeting_id = create_meeting(client, ids)
    events = [event(i, f"again-{i}", at=STARTS) for i in ids]
    first = batch(client, meeting_id, events)
    again = batch(client, meeting_id, events)
    assert [r["status"] for r in first] == [201, 201]
    assert [r["status"] for r in again] == [200, 200]
    assert [r["event"]["id"] for r in again] == [r["event"]["id"] for r in first]
    assert rows()["attendance_events"] == 2


def test_a_kiosk_gets_back_its_own_keys_and_its_room_only(client: TestClient, rows: Rows) -> None:
    ids = create_people(client, NAMES[:2])
    hall = open_now(client, ids, "Hội trường A")
    other = open_now(client, ids, "Phòng B")
    headers = kiosk_headers(client, room="Hội trường A", name="kA")
    results = batch(client, hall, [event(ids[0], "kA-1"), event(ids[1], "kA-2")], headers=headers)
    assert [r["status"] for r in results] == [201, 201]
    assert [r["event"]["idempotency_key"] for r in results] == ["kA-1", "kA-2"]
    elsewhere = batch(client, other, [event(ids[0], "kA-3")], headers=headers)
    assert elsewhere[0]["status"] == 403 and elsewhere[0]["event"] is None
    assert rows()["attendance_events"] == 2


def test_more_than_100_events_or_a_malformed_one_is_refused_whole(
    client: TestClient, rows: Rows
) -> None:
    ids = create_people(client, NAMES[:1])
    meeting_id = create_meeting(client, ids)
    url = f"/api/v1/meetings/{meeting_id}/checkins/batch"
    many = [event(ids[0], f"many-{n}", at=STARTS) for n in range(101)]
    too_many = client.post(url, json={"events": many})
    assert too_many.status_code == 422, too_many.text
    assert too_many.json()["reason"] == "INVALID_REQUEST"
    broken = client.post(url, json={"events": [event(ids[0], "ok", at=STARTS), {"person_id": 1}]})
    assert broken.status_code == 422 and broken.json()["reason"] == "INVALID_REQUEST"
    empty = client.post(url, json={"events": []})
    assert empty.status_code == 422
    assert rows()["attendance_events"] == 0
