"""A delegate's link lists the ballots it speaks for (`your_ballots`): their own and each
grantor's apart, what was chosen where they may see it, and whether a form is due."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from polls_support import MEMBERS, Room, ballot, new_poll, present


def _mine(client: TestClient, room: Room, poll: Any, headers: dict[str, str]) -> list[Any]:
    polls = client.get(f"/api/v1/meetings/{room.meeting_id}/polls", headers=headers).json()
    [found] = [p for p in polls if p["id"] == poll["id"]]
    return [
        (
            b["person"]["full_name"],
            b["for_self"],
            b["voted"],
            b["cast_by"]["full_name"] if b["cast_by"] else None,
            b["option_ids"],
            b["may_cast"],
        )
        for b in found["your_ballots"]
    ]


def test_a_holder_changes_his_own_ballot_and_his_grantors_stays_apart(
    client: TestClient, room: Room
) -> None:
    headers = present(client, room)
    grant = {"grantor_id": room.people[4], "holder_id": room.people[0]}
    assert client.post(f"/api/v1/meetings/{room.meeting_id}/proxies", json=grant).status_code == 201
    poll = new_poll(client, room, allow_change=True)
    yes, no, abstain = (o["id"] for o in poll["options"])
    an, ha = MEMBERS[0], MEMBERS[4]
    assert _mine(client, room, poll, headers[0]) == [
        (an, True, False, None, None, True),
        (ha, False, False, None, None, True),
    ]
    assert ballot(client, room, poll, headers[0], option_ids=[yes]).status_code == 201
    changed = ballot(client, room, poll, headers[0], option_ids=[no])
    assert changed.status_code == 201 and changed.json()["changed"]
    assert changed.json()["person"]["full_name"] == an
    # His own ballot changed; his grantor's is still to cast, from its own form.
    assert _mine(client, room, poll, headers[0]) == [
        (an, True, True, an, [no], True),
        (ha, False, False, None, None, True),
    ]
    for_ha = ballot(
        client, room, poll, headers[0], option_ids=[abstain], on_behalf_of=room.people[4]
    )
    assert for_ha.status_code == 201, for_ha.text
    assert _mine(client, room, poll, headers[0]) == [
        (an, True, True, an, [no], True),
        (ha, False, True, an, [abstain], True),
    ]
    # Another delegate's link sees only their own ballot.
    assert _mine(client, room, poll, headers[1]) == [(MEMBERS[1], True, False, None, None, True)]


def test_without_changes_the_choice_is_shown_and_no_form_on_a_secret_poll_nothing(
    client: TestClient, room: Room
) -> None:
    headers = present(client, room)
    named = new_poll(client, room)
    assert ballot(client, room, named, headers[0]).status_code == 201
    yes = named["options"][0]["id"]
    assert _mine(client, room, named, headers[0]) == [
        (MEMBERS[0], True, True, MEMBERS[0], [yes], False)
    ]
    secret = new_poll(client, room, secrecy="secret")
    assert ballot(client, room, secret, headers[0]).status_code == 201
    assert _mine(client, room, secret, headers[0]) == [
        (MEMBERS[0], True, True, MEMBERS[0], None, False)
    ]


def test_a_checked_out_member_sees_that_a_proxy_voted_for_them(
    client: TestClient, room: Room
) -> None:
    headers = present(client, room, 4)
    url = f"/api/v1/meetings/{room.meeting_id}"
    out = {"person_id": room.people[3], "reason": "Đi công tác"}
    assert client.post(f"{url}/checkouts", json=out).status_code == 201
    grant = {"grantor_id": room.people[3], "holder_id": room.people[0]}
    assert client.post(f"{url}/proxies", json=grant).status_code == 201
    poll = new_poll(client, room)
    cast = ballot(client, room, poll, headers[0], on_behalf_of=room.people[3])
    assert cast.status_code == 201, cast.text
    yes = poll["options"][0]["id"]
    assert _mine(client, room, poll, headers[3]) == [
        (MEMBERS[3], True, True, MEMBERS[0], [yes], False)
    ]
