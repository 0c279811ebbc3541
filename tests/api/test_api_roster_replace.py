"""The whole roster at once (PUT /api/v1/meetings/{id}/participants) keeps the rules of the
one-person edits: nobody who came is dropped, who may vote stays fixed while a poll is open,
a member with a proxy keeps their vote, whoever leaves takes their proxies and links; and the
change is in the audit log."""

from __future__ import annotations

import json

from api_support import query
from fastapi.testclient import TestClient
from polls_support import Room, arrive, new_poll


def put(client: TestClient, room: Room, voters: list[int], observers: list[int] | None = None):
    body = {"person_ids": voters, "non_voting_ids": observers or []}
    return client.put(f"/api/v1/meetings/{room.meeting_id}/participants", json=body)


def roster(client: TestClient, room: Room) -> dict[int, bool]:
    rows = client.get(f"/api/v1/meetings/{room.meeting_id}/participants").json()
    return {r["person"]["id"]: r["voting_rights"] for r in rows}


def test_a_new_list_never_drops_someone_who_came(client: TestClient, room: Room) -> None:
    came = room.people[0]
    arrive(client, room, came)
    before = roster(client, room)
    refused = put(client, room, room.people[1:5])
    assert refused.status_code == 409, refused.text
    assert refused.json()["reason"] == "ALREADY_ARRIVED"
    assert "Nguyễn Văn An" in refused.json()["detail"]
    assert roster(client, room) == before  # nothing changed
    attendance = client.get(f"/api/v1/meetings/{room.meeting_id}/attendance").json()
    assert [r["person"]["id"] for r in attendance if r["status"] != "absent"] == [came]


def test_who_may_vote_stays_fixed_while_a_poll_is_open(client: TestClient, room: Room) -> None:
    for person in room.people[:3]:
        arrive(client, room, person)
    poll = new_poll(client, room)
    before = roster(client, room)
    dropped = put(client, room, room.people[:4], [room.people[5]])  # the fifth member goes
    assert dropped.status_code == 409 and dropped.json()["reason"] == "POLL_OPEN"
    assert poll["title"] in dropped.json()["detail"]
    promoted = put(client, room, room.people[:6])  # the observer would vote
    assert promoted.status_code == 409 and promoted.json()["reason"] == "POLL_OPEN"
    assert roster(client, room) == before
    same = put(client, room, room.people[:5], [room.people[5]])  # the same list changes nothing
    assert same.status_code == 200, same.text
    observer_gone = put(client, room, room.people[:5])  # an observer leaves: nobody's vote
    assert observer_gone.status_code == 200, observer_gone.text
    assert room.people[5] not in roster(client, room)


def test_a_member_with_a_proxy_keeps_their_vote(client: TestClient, room: Room) -> None:
    base = f"/api/v1/meetings/{room.meeting_id}"
    arrive(client, room, room.people[0])
    grant = {"grantor_id": room.people[4], "holder_id": room.people[0]}
    assert client.post(f"{base}/proxies", json=grant).status_code == 201
    refused = put(client, room, room.people[:4], [room.people[4], room.people[5]])
    assert refused.status_code == 409 and refused.json()["reason"] == "PROXY_EXISTS"
    assert "Hoàng Thị Hà" in refused.json()["detail"]


def test_whoever_leaves_takes_their_proxies_and_links(
    client: TestClient, room: Room, database_url: str
) -> None:
    base = f"/api/v1/meetings/{room.meeting_id}"
    came, absent = room.people[0], room.people[4]
    arrive(client, room, came)
    assert client.post(f"{base}/proxies", json={"grantor_id": absent, "holder_id": came}).is_success
    token = client.post(f"{base}/voting-passes", json={"person_id": absent}).json()["token"]
    replaced = put(client, room, room.people[:4], [room.people[5]])
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["person_ids"] == sorted([*room.people[:4], room.people[5]])
    assert client.get(f"{base}/proxies").json() == []
    gone = client.get("/api/v1/voter", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 401
    rows = query(
        database_url,
        "SELECT actor, detail FROM audit_log WHERE action = 'roster_replaced' ORDER BY id",
    )
    detail = json.loads(rows[-1][1])
    counts = ("roster", "added", "removed", "proxies_revoked", "links_revoked")
    assert {k: detail[k] for k in counts} == {
        "roster": 5,
        "added": 0,
        "removed": 1,
        "proxies_revoked": 1,
        "links_revoked": 1,
    }
    assert detail["people"]["removed"] == [{"id": absent, "name": "Hoàng Thị Hà"}]


def test_ids_are_numbers_and_unknown_ones_are_named_briefly(client: TestClient, room: Room) -> None:
    url = f"/api/v1/meetings/{room.meeting_id}/participants"
    for wrong in ([True], [str(room.people[0])], [1.5]):
        answer = client.put(url, json={"person_ids": wrong})
        assert answer.status_code == 422, (wrong, answer.text)
    unknown = client.put(url, json={"person_ids": list(range(100_000, 110_000))})
    assert unknown.status_code == 404 and unknown.json()["reason"] == "UNKNOWN_PERSON"
    assert "(+9980)" in unknown.json()["detail"] and len(unknown.json()["detail"]) < 400
    assert len(roster(client, room)) == 6  # nothing changed
