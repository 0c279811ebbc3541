"""One person at a time on a roster: add, change voting rights, take off; and what the voting
link's owner is told before any ballot (GET /api/v1/voter)."""

from __future__ import annotations

from api_support import create_meeting, create_people, query
from fastapi.testclient import TestClient
from polls_support import Room, arrive, ballot, link, new_poll


def roster(client: TestClient, meeting_id: int) -> dict[str, bool]:
    """Name -> voting rights, through the API (the observers are listed as non-voting)."""
    rows = client.get(f"/api/v1/meetings/{meeting_id}/participants").json()
    return {r["person"]["full_name"]: r["voting_rights"] for r in rows}


def test_one_person_is_added_with_or_without_a_vote(client: TestClient, database_url: str) -> None:
    an, binh, chau = create_people(client, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu"])
    meeting_id = create_meeting(client, [an])
    base = f"/api/v1/meetings/{meeting_id}/participants"
    added = client.post(f"{base}/{binh}")
    assert added.status_code == 201, added.text
    assert added.json() == {
        "meeting_id": meeting_id,
        "person": {"id": binh, "full_name": "Trần Thị Bình"},
        "voting_rights": True,
        "absence_reason": None,
    }
    observer = client.post(f"{base}/{chau}", json={"voting_rights": False})
    assert observer.status_code == 201 and observer.json()["voting_rights"] is False
    assert roster(client, meeting_id) == {
        "Nguyễn Văn An": True,
        "Trần Thị Bình": True,
        "Lê Minh Châu": False,
    }
    again = client.post(f"{base}/{binh}")
    assert again.status_code == 409 and again.json()["reason"] == "ALREADY_ON_ROSTER"
    assert "Trần Thị Bình" in again.json()["detail"]
    assert client.post(f"{base}/999").status_code == 404
    assert client.post(f"/api/v1/meetings/999/participants/{binh}").status_code == 404
    bad = client.post(f"{base}/{an}", json={"voting_rights": "perhaps"})
    assert bad.status_code == 422 and set(bad.json()) == {"reason", "detail"}
    actions = [r[0] for r in query(database_url, "SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("participant_added") == 2


def test_voting_rights_change_both_ways_but_not_during_a_poll(
    client: TestClient, room: Room
) -> None:
    base = f"/api/v1/meetings/{room.meeting_id}/participants"
    observer, member = room.people[5], room.people[1]
    made = client.patch(f"{base}/{observer}", json={"voting_rights": True})
    assert made.status_code == 200 and made.json()["voting_rights"] is True
    back = client.patch(f"{base}/{observer}", json={"voting_rights": False})
    assert back.status_code == 200 and back.json()["voting_rights"] is False
    assert roster(client, room.meeting_id)["Vũ Thị Quan Sát"] is False
    for p in room.people[:3]:
        arrive(client, room, p)
    poll = new_poll(client, room)
    refused = client.patch(f"{base}/{member}", json={"voting_rights": False})
    assert refused.status_code == 409 and refused.json()["reason"] == "POLL_OPEN"
    assert poll["title"] in refused.json()["detail"]
    assert roster(client, room.meeting_id)["Trần Thị Bình"] is True
    closed = client.post(f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/close")
    assert closed.status_code == 200, closed.text
    assert client.patch(f"{base}/{member}", json={"voting_rights": False}).status_code == 200
    stranger = create_people(client, ["Người Ngoài"])[0]
    assert client.patch(f"{base}/{stranger}", json={"voting_rights": True}).status_code == 404
    assert client.patch(f"{base}/{member}", json={}).status_code == 422


def test_a_proxy_keeps_its_members_voting(client: TestClient, room: Room) -> None:
    base = f"/api/v1/meetings/{room.meeting_id}"
    arrive(client, room, room.people[0])
    proxy = {"grantor_id": room.people[4], "holder_id": room.people[0]}
    assert client.post(f"{base}/proxies", json=proxy).status_code == 201
    refused = client.patch(f"{base}/participants/{room.people[4]}", json={"voting_rights": False})
    assert refused.status_code == 409 and refused.json()["reason"] == "PROXY_EXISTS"


def test_one_person_is_taken_off_unless_they_came(client: TestClient, room: Room) -> None:
    base = f"/api/v1/meetings/{room.meeting_id}"
    came, absent = room.people[0], room.people[4]
    checkin = arrive(client, room, came)
    proxy = client.post(f"{base}/proxies", json={"grantor_id": absent, "holder_id": came})
    assert proxy.status_code == 201, proxy.text
    absent_link = client.post(f"{base}/voting-passes", json={"person_id": absent}).json()
    refused = client.delete(f"{base}/participants/{came}")
    assert refused.status_code == 409 and refused.json()["reason"] == "ALREADY_ARRIVED"
    removed = client.delete(f"{base}/participants/{absent}")
    assert removed.status_code == 200, removed.text
    assert removed.json()["person"]["full_name"] == "Hoàng Thị Hà"
    assert "Hoàng Thị Hà" not in roster(client, room.meeting_id)
    assert client.get(f"{base}/proxies").json() == []  # the proxy they gave went with them
    gone = {"Authorization": f"Bearer {absent_link['token']}"}
    assert client.get("/api/v1/voter", headers=gone).status_code == 401
    assert client.get("/api/v1/voter", headers=link(checkin)).status_code == 200
    again = client.delete(f"{base}/participants/{absent}")
    # By number: a teacher editing their meeting's roster may not read the whole register.
    assert again.status_code == 404 and f"Người số {absent}" in again.json()["detail"]
    assert "Hoàng Thị Hà" not in again.text
    assert client.delete(f"/api/v1/meetings/999/participants/{absent}").status_code == 404


def test_the_voting_link_says_ahead_whether_its_delegate_may_vote(
    client: TestClient, room: Room
) -> None:
    base = f"/api/v1/meetings/{room.meeting_id}"

    def standing(person_id: int) -> dict[str, object]:
        token = client.post(f"{base}/voting-passes", json={"person_id": person_id}).json()
        answer = client.get("/api/v1/voter", headers={"Authorization": f"Bearer {token['token']}"})
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]

    absent = standing(room.people[1])
    assert (absent["may_vote"], absent["voting_status"]) == (False, "not_arrived")
    assert absent["may_give_opinions"] is False
    observer = room.people[5]
    arrive(client, room, observer)
    seen = standing(observer)
    assert (seen["may_vote"], seen["voting_status"], seen["may_give_opinions"]) == (
        False,
        "observer",
        True,
    )
    holder = arrive(client, room, room.people[0])
    for grantor in (room.people[4], room.people[3]):
        proxy = {"grantor_id": grantor, "holder_id": room.people[0]}
        assert client.post(f"{base}/proxies", json=proxy).status_code == 201
    me = client.get("/api/v1/voter", headers=link(holder)).json()
    assert (me["may_vote"], me["voting_status"]) == (True, "present")
    # Vietnamese order: Dũng (Phạm Đức Dũng) before Hà (Hoàng Thị Hà).
    assert [p["full_name"] for p in me["proxies_for"]] == ["Phạm Đức Dũng", "Hoàng Thị Hà"]
    out = {"person_id": room.people[0], "reason": "Về sớm"}
    assert client.post(f"{base}/checkouts", json=out).status_code == 201
    left = client.get("/api/v1/voter", headers=link(holder)).json()
    assert (left["may_vote"], left["voting_status"]) == (False, "checked_out")
    poll = new_poll(client, room, quorum="0")
    refused = ballot(client, room, poll, link(holder))
    assert refused.status_code == 403 and refused.json()["reason"] == "NOT_PRESENT"
