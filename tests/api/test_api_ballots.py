"""Ballots over HTTP: by face, by proxy, with opinions; what each refuses."""

from __future__ import annotations

import io

from api_support import T1_PATH, create_meeting, upload
from fastapi.testclient import TestClient
from PIL import Image
from polls_support import MEMBERS, Room, ballot, new_poll, present, today


def test_proxy_vote_and_opinions(client: TestClient, room: Room) -> None:
    headers = present(client, room)
    url = f"/api/v1/meetings/{room.meeting_id}/proxies"
    grant = {
        "grantor_id": room.people[4],
        "holder_id": room.people[0],
        "note": "Giấy ủy quyền số 12",
    }
    assert client.post(url, json=grant).status_code == 201
    assert client.post(url, json=grant).json()["reason"] == "PROXY_EXISTS"
    poll = new_poll(client, room, secrecy="secret", base="present")
    assert ballot(client, room, poll, headers[0]).status_code == 201
    by_proxy = ballot(client, room, poll, headers[0], on_behalf_of=room.people[4])
    assert by_proxy.status_code == 201, by_proxy.text
    assert by_proxy.json()["person"]["full_name"] == MEMBERS[4]
    assert by_proxy.json()["cast_by"]["full_name"] == MEMBERS[0]
    no_proxy = ballot(client, room, poll, headers[1], on_behalf_of=room.people[3])
    assert no_proxy.status_code == 403 and no_proxy.json()["reason"] == "NO_PROXY"
    opinion_url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/opinions"
    said = client.post(opinion_url, json={"text": "Đề nghị công khai dự toán."}, headers=headers[1])
    assert said.status_code == 201 and said.json()["person"] is None  # a secret poll: anonymous
    [read] = client.get(opinion_url).json()
    assert read["text"] == "Đề nghị công khai dự toán." and read["at"] is None
    tally = client.get(f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/tally").json()
    assert tally["ballots"] == 2 and tally["not_voted"] is None
    assert [p["holder"]["full_name"] for p in tally["proxies"]] == [MEMBERS[0]]


def test_face_verified_ballot(
    client: TestClient, enrolled: list[int], face_photos: list[bytes]
) -> None:
    meeting_id = create_meeting(client, enrolled, starts_at=today(0), ends_at=today(23, 59))
    room = Room(meeting_id, enrolled)
    present(client, room, 4)
    poll = new_poll(client, room)
    url = f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/ballots"
    choice = {"option_ids": str(poll["options"][1]["id"])}
    cast = client.post(url, files=upload(face_photos[0]), data=choice)
    assert cast.status_code == 201, cast.text
    assert cast.json()["person"]["id"] == enrolled[0] and cast.json()["channel"] == "face"
    absent = client.post(url, files=upload(face_photos[4]), data=choice)
    assert absent.status_code == 403 and absent.json()["reason"] == "NOT_PRESENT"
    crowd = client.post(url, files=upload(T1_PATH.read_bytes()), data=choice)
    assert crowd.status_code == 422 and crowd.json()["reason"] == "MULTIPLE_FACES"
    bad_choice = client.post(url, files=upload(face_photos[1]), data={"option_ids": "x"})
    assert bad_choice.status_code == 422
    tally = client.get(f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/tally").json()
    assert tally["ballots"] == 1 and tally["options"][1]["votes"] == 1


def test_image_without_a_face_cannot_vote(
    client: TestClient, enrolled: list[int], face_photos: list[bytes]
) -> None:
    meeting_id = create_meeting(client, enrolled, starts_at=today(0), ends_at=today(23, 59))
    room = Room(meeting_id, enrolled)
    present(client, room, 4)
    poll = new_poll(client, room)
    blank = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 200, 200)).save(blank, "JPEG")
    url = f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/ballots"
    data = {"option_ids": str(poll["options"][0]["id"])}
    response = client.post(url, files=upload(blank.getvalue()), data=data)
    assert response.status_code == 422 and response.json()["reason"] == "NO_FACE"


def test_proxy_holder_cannot_vote_for_a_member_who_is_present(
    client: TestClient, room: Room
) -> None:
    headers = present(client, room)
    grant = {"grantor_id": room.people[1], "holder_id": room.people[0]}
    assert client.post(f"/api/v1/meetings/{room.meeting_id}/proxies", json=grant).status_code == 201
    poll = new_poll(client, room, allow_change=True)
    refused = ballot(client, room, poll, headers[0], on_behalf_of=room.people[1])
    assert refused.status_code == 403 and refused.json()["reason"] == "GRANTOR_PRESENT"
    assert ballot(client, room, poll, headers[1]).status_code == 201  # the member's own


def test_proxy_holder_cannot_overwrite_the_members_own_ballot(
    client: TestClient, room: Room
) -> None:
    headers = present(client, room, 4)
    grant = {"grantor_id": room.people[3], "holder_id": room.people[0]}
    assert client.post(f"/api/v1/meetings/{room.meeting_id}/proxies", json=grant).status_code == 201
    poll = new_poll(client, room, allow_change=True)
    assert ballot(client, room, poll, headers[3]).status_code == 201  # votes, then leaves
    out = {"person_id": room.people[3], "reason": "Về sớm"}
    assert client.post(f"/api/v1/meetings/{room.meeting_id}/checkouts", json=out).status_code == 201
    no = {"option_ids": [poll["options"][1]["id"]], "on_behalf_of": room.people[3]}
    overwrite = ballot(client, room, poll, headers[0], **no)
    assert overwrite.status_code == 409 and overwrite.json()["reason"] == "ALREADY_VOTED"


def test_opinion_lines_are_cleaned_like_any_text(client: TestClient, room: Room) -> None:
    headers = present(client, room)
    poll = new_poll(client, room)
    url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/opinions"
    bad = client.post(url, json={"text": "Ý kiến\n\x00\u202eb"}, headers=headers[0])
    assert bad.status_code == 422
    good = client.post(url, json={"text": "Dòng một\nDòng  hai"}, headers=headers[0])
    assert good.status_code == 201 and good.json()["text"] == "Dòng một\nDòng hai"


def test_repeated_option_fields_all_count_in_a_face_ballot_election(
    client: TestClient, enrolled: list[int], face_photos: list[bytes]
) -> None:
    meeting_id = create_meeting(client, enrolled, starts_at=today(0), ends_at=today(23, 59))
    room = Room(meeting_id, enrolled)
    present(client, room, 4)
    spec = {"kind": "election", "options": ["Ứng viên A", "Ứng viên B", "Ứng viên C"]}
    poll = new_poll(client, room, max_choices=2, base="cast", **spec)
    url = f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/ballots"
    a, b = (str(o["id"]) for o in poll["options"][:2])
    cast = client.post(url, files=upload(face_photos[0]), data={"option_ids": [a, b]})
    assert cast.status_code == 201, cast.text
    client.post(f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/close")
    result = client.get(f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/results").json()
    assert [o["votes"] for o in result["options"]] == [1, 1, 0]
