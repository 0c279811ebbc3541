"""The audit log names people, polls and sources when read; a secret choice is never in it."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from polls_support import MEMBERS, Room, ballot, new_poll, present


def audit(client: TestClient, room: Room) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/meetings/{room.meeting_id}/audit")
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


def test_ballots_name_the_member_and_the_poll_and_only_a_named_poll_says_the_choice(
    client: TestClient, room: Room
) -> None:
    links = present(client, room, 3)
    named = new_poll(client, room, title="Thông qua chương trình kỳ họp")
    assert ballot(client, room, named, links[0]).status_code == 201
    secret = new_poll(
        client,
        room,
        title="Bầu tổ trưởng",
        kind="election",
        secrecy="secret",
        options=["Lê Văn Tám", "Phạm Thị Mười"],
        majority="simple",
    )
    chosen = [secret["options"][1]["id"]]
    assert ballot(client, room, secret, links[1], option_ids=chosen).status_code == 201

    entries = {(e["action"], (e["poll"] or {}).get("id")): e for e in audit(client, room)}
    mine = entries[("ballot_cast", named["id"])]
    member = {"id": room.people[0], "name": MEMBERS[0], "gone": False}
    assert mine["person"] == member and mine["actor_person"] == member
    assert mine["poll"] == {
        "id": named["id"],
        "name": "Thông qua chương trình kỳ họp",
        "gone": False,
    }
    assert mine["choices"] == ["Đồng ý"]
    assert (mine["source"], mine["source_text"]) == ("link", "liên kết bỏ phiếu / voting link")
    assert mine["subject"] == f"poll:{named['id']}:person:{room.people[0]}"  # stored as it was

    hidden = entries[("ballot_cast", secret["id"])]
    assert hidden["person"] == {"id": room.people[1], "name": MEMBERS[1], "gone": False}
    assert hidden["poll"] == {"id": secret["id"], "name": "Bầu tổ trưởng", "gone": False}
    assert hidden["choices"] is None and "options" not in hidden["detail"]
    assert "Mười" not in json.dumps(hidden, ensure_ascii=False)
    assert str(chosen[0]) not in json.dumps(hidden["detail"])

    opened = entries[("poll_opened", secret["id"])]
    assert opened["poll"]["name"] == "Bầu tổ trưởng" and opened["person"] is None


def test_corrections_name_the_person_and_say_the_source_in_words(
    client: TestClient, room: Room
) -> None:
    url = f"/api/v1/meetings/{room.meeting_id}"
    by_hand = {"person_id": room.people[2], "source": "manual", "idempotency_key": "m1"}
    response = client.post(f"{url}/checkins", json={**by_hand, "note": "Quên thẻ"})
    assert response.status_code == 201, response.text
    kiosk = {"person_id": room.people[3], "source": "kiosk:cua-A", "idempotency_key": "k1"}
    response = client.post(f"{url}/checkins", json={**kiosk, "note": "Camera mờ, thư ký ghi"})
    assert response.status_code == 201, response.text
    out = {"person_id": room.people[2], "reason": "Về họp ở sở"}
    assert client.post(f"{url}/checkouts", json=out).status_code == 201

    entries = {(e["action"], e["person"]["id"]): e for e in audit(client, room) if e["person"]}
    manual = entries[("check_in", room.people[2])]
    assert manual["person"] == {"id": room.people[2], "name": MEMBERS[2], "gone": False}
    assert (manual["source"], manual["source_text"]) == ("manual", "thủ công / manual")
    assert manual["detail"]["reason"] == "Quên thẻ" and manual["actor_person"] is None
    camera = entries[("check_in", room.people[3])]
    assert camera["source_text"] == "máy điểm danh cua-A / kiosk cua-A"
    left = entries[("check_out", room.people[2])]
    assert left["source_text"] == "thủ công / manual" and left["poll"] is None


def test_a_proxy_names_its_holder(client: TestClient, room: Room) -> None:
    present(client, room, 1)
    grant = {"grantor_id": room.people[4], "holder_id": room.people[0], "note": "Đi công tác"}
    response = client.post(f"/api/v1/meetings/{room.meeting_id}/proxies", json=grant)
    assert response.status_code == 201, response.text
    [given] = [e for e in audit(client, room) if e["action"] == "proxy_given"]
    assert given["person"] == {"id": room.people[4], "name": MEMBERS[4], "gone": False}
    assert given["holder"] == {"id": room.people[0], "name": MEMBERS[0], "gone": False}
