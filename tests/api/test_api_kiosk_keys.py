"""A kiosk token's idempotency keys are its own (attack 12b): a gate cannot take the key a
room's kiosk will send, nor a room's kiosk the gate's; the same kiosk's retry still finds
its key and gets it back as sent. And a gate event's `person_id` is bounded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from api_support import create_meeting, create_people
from fastapi.testclient import TestClient
from test_api_gate import SCHOOL, gate_headers, lesson
from test_api_kiosk import kiosk_headers

GATE_URL = "/api/v1/kiosk/gate/events"


def open_now(client: TestClient, roster: list[int], room: str) -> int:
    now = datetime.now(timezone.utc)
    return create_meeting(
        client,
        roster,
        room=room,
        starts_at=(now - timedelta(minutes=5)).isoformat(),
        ends_at=(now + timedelta(hours=2)).isoformat(),
    )


def room_checkin(client: TestClient, meeting: int, person: int, key: str, headers: dict[str, str]):
    body = {"person_id": person, "source": "kiosk", "idempotency_key": key}
    return client.post(f"/api/v1/meetings/{meeting}/checkins", json=body, headers=headers)


def test_a_gate_cannot_take_a_room_kiosks_key(client: TestClient, database_url: str) -> None:
    delegate, pupil = create_people(client, ["Trần Văn Biên", "Lê Thị Mai"])
    hall = open_now(client, [delegate], "Hội trường A")
    lesson(database_url, SCHOOL, "10A1", [pupil])
    room, gate = kiosk_headers(client, room="Hội trường A", name="kH"), gate_headers(client)
    key = f"kH:{hall}:{delegate}"
    squat = client.post(GATE_URL, json={"person_id": pupil, "idempotency_key": key}, headers=gate)
    assert squat.status_code == 201, squat.text
    assert squat.json()["idempotency_key"] == key  # the gate gets back the key it sent
    real = room_checkin(client, hall, delegate, key, room)
    assert real.status_code == 201, real.text
    assert real.json()["idempotency_key"] == key and real.json()["person"]["id"] == delegate
    retry = room_checkin(client, hall, delegate, key, room)  # the kiosk's outbox again
    assert retry.status_code == 200 and retry.json()["id"] == real.json()["id"]
    assert retry.json()["idempotency_key"] == key


def test_a_room_kiosk_cannot_take_the_gates_key(client: TestClient, database_url: str) -> None:
    delegate, pupil = create_people(client, ["Trần Văn Biên", "Lê Thị Mai"])
    hall = open_now(client, [delegate], "Hội trường A")
    lesson(database_url, SCHOOL, "10A1", [pupil])
    room, gate = kiosk_headers(client, room="Hội trường A", name="kH"), gate_headers(client)
    key = f"cổng-1:gate:{datetime.now().date().isoformat()}:in:{pupil}"
    assert room_checkin(client, hall, delegate, key, room).status_code == 201
    real = client.post(GATE_URL, json={"person_id": pupil, "idempotency_key": key}, headers=gate)
    assert real.status_code == 201, real.text
    assert (real.json()["person_id"], real.json()["kind"]) == (pupil, "arrived")
    again = client.post(GATE_URL, json={"person_id": pupil, "idempotency_key": key}, headers=gate)
    assert again.status_code == 200 and again.json()["id"] == real.json()["id"]


def test_staff_may_not_send_a_key_in_a_kiosks_space(client: TestClient) -> None:
    (delegate,) = create_people(client, ["Trần Văn Biên"])
    hall = open_now(client, [delegate], "Hội trường A")
    body = {"person_id": delegate, "source": "manual", "idempotency_key": "k1/x"}
    refused = client.post(f"/api/v1/meetings/{hall}/checkins", json=body)
    assert refused.status_code == 422 and refused.json()["reason"] == "INVALID_REQUEST"
    assert "kiosk" in refused.json()["detail"]


def test_a_huge_person_id_at_the_gate_is_422_not_500(client: TestClient, database_url: str) -> None:
    (pupil,) = create_people(client, ["Lê Thị Mai"])
    lesson(database_url, SCHOOL, "10A1", [pupil])
    gate = gate_headers(client)
    for huge in (2**70, 2**63, 2**31, 0, -1):
        answer = client.post(
            GATE_URL, json={"person_id": huge, "idempotency_key": "huge"}, headers=gate
        )
        assert answer.status_code == 422, (huge, answer.text)
        assert answer.json()["reason"] == "INVALID_REQUEST"
