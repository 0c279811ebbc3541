"""One code, one status: the roster and presence refusals read the same on every route."""

from __future__ import annotations

from api_support import create_people
from fastapi.testclient import TestClient
from polls_support import Room, ballot, new_poll, present


def test_not_on_roster_is_403_on_every_route(client: TestClient, room: Room) -> None:
    [stranger] = create_people(client, ["Người Ngoài"])
    url = f"/api/v1/meetings/{room.meeting_id}"
    answers = [
        client.post(
            f"{url}/checkins",
            json={"person_id": stranger, "source": "kiosk-A", "idempotency_key": "s1"},
        ),
        client.post(f"{url}/checkouts", json={"person_id": stranger, "reason": "Về"}),
        client.post(f"{url}/voting-passes", json={"person_id": stranger}),
    ]
    assert [(a.status_code, a.json()["reason"]) for a in answers] == [(403, "NOT_ON_ROSTER")] * 3


def test_not_present_is_403_on_every_route(client: TestClient, room: Room) -> None:
    present(client, room, 3)
    absent = room.people[3]
    url = f"/api/v1/meetings/{room.meeting_id}"
    poll = new_poll(client, room)
    token = client.post(f"{url}/voting-passes", json={"person_id": absent}).json()["token"]
    absent_link = {"Authorization": f"Bearer {token}"}
    answers = [
        client.post(f"{url}/checkouts", json={"person_id": absent, "reason": "Về"}),
        client.post(f"{url}/proxies", json={"grantor_id": room.people[4], "holder_id": absent}),
        ballot(client, room, poll, absent_link),
        client.post(
            f"{url}/polls/{poll['id']}/opinions", json={"text": "Ý kiến"}, headers=absent_link
        ),
    ]
    assert [(a.status_code, a.json()["reason"]) for a in answers] == [(403, "NOT_PRESENT")] * 4
    for answer in answers:
        assert " " in answer.json()["detail"]  # a sentence, not a bare code
