"""Merging and deleting people through the API, and the Vietnamese order of the list."""

from __future__ import annotations

from api_support import create_meeting, create_people, enroll, identify
from fastapi.testclient import TestClient
from polls_support import Room, arrive, ballot, link, new_poll


def _names(client: TestClient, **params: object) -> list[str]:
    response = client.get("/api/v1/people", params=params)
    assert response.status_code == 200, response.text
    return [p["full_name"] for p in response.json()]


def test_the_list_is_in_vietnamese_name_order_given_name_first(client: TestClient) -> None:
    create_people(
        client,
        ["Trần Thị Bình", "Bùi Thị Ân", "Nguyễn Văn Anh", "Đặng Thị Giang", "Lê Văn Ánh", "Lý An"],
    )
    # a < ă < â decides before tones; a name with no mark comes before its sắc.
    expected = ["Lý An", "Nguyễn Văn Anh", "Lê Văn Ánh", "Bùi Thị Ân", "Trần Thị Bình"]
    assert _names(client) == [*expected, "Đặng Thị Giang"]
    assert _names(client, limit=2) == expected[:2]
    assert _names(client, q="thi") == ["Bùi Thị Ân", "Trần Thị Bình", "Đặng Thị Giang"]


def test_merging_moves_the_face_and_the_gallery_answers_with_the_kept_person(
    client: TestClient, face_photos: list[bytes]
) -> None:
    real, dup = create_people(client, ["Nguyễn Văn An", "Nguyễn Văn An"])
    client.post("/api/v1/people", json={"full_name": "Trần Thị Bình"})
    assert enroll(client, dup, face_photos[0]).status_code == 201
    [face] = identify(client, face_photos[0])
    assert face["person"]["id"] == dup  # the cache now holds the duplicate's id
    response = client.post(f"/api/v1/people/{dup}/merge", json={"into_id": real})
    assert response.status_code == 200, response.text
    assert (response.json()["id"], response.json()["templates"]) == (real, 1)
    [face] = identify(client, face_photos[0])
    assert face["person"]["id"] == real
    assert client.get(f"/api/v1/people/{dup}").status_code == 404


def test_merge_refusals_are_clear_4xx(client: TestClient) -> None:
    (person,) = create_people(client, ["Ngô Thị Lan"])
    cases = [
        (f"/api/v1/people/{person}/merge", {"into_id": person}, 422, "MERGE_SELF"),
        (f"/api/v1/people/{person}/merge", {"into_id": 9999}, 404, "UNKNOWN_PERSON"),
        (f"/api/v1/people/{person}/merge", {"into_id": 2**63}, 404, "UNKNOWN_PERSON"),
        (f"/api/v1/people/{person}/merge", {"into_id": -1}, 404, "UNKNOWN_PERSON"),
        ("/api/v1/people/9999/merge", {"into_id": person}, 404, "NOT_FOUND"),
        (f"/api/v1/people/{person}/merge", {}, 422, "INVALID_REQUEST"),
    ]
    for url, body, status, reason in cases:
        response = client.post(url, json=body)
        assert (response.status_code, response.json()["reason"]) == (status, reason), body
        assert response.json()["detail"]
    assert client.get(f"/api/v1/people/{person}").status_code == 200


def test_two_people_who_both_voted_in_one_poll_are_not_merged(
    client: TestClient, room: Room
) -> None:
    first, second, third = room.people[:3]
    links = [link(arrive(client, room, person)) for person in (first, second, third)]
    poll = new_poll(client, room, secrecy="named")  # quorum: three of five present
    for headers in links[:2]:
        assert ballot(client, room, poll, headers).status_code == 201
    response = client.post(f"/api/v1/people/{second}/merge", json={"into_id": first})
    assert (response.status_code, response.json()["reason"]) == (409, "POLL_OPEN")
    assert "both people may vote" in response.json()["detail"]  # two voters as one: no
    closed = client.post(f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/close")
    assert closed.status_code == 200, closed.text
    response = client.post(f"/api/v1/people/{second}/merge", json={"into_id": first})
    assert (response.status_code, response.json()["reason"]) == (409, "MERGE_BOTH_VOTED")
    assert "Both people voted" in response.json()["detail"]


def test_a_duplicate_with_no_history_is_deleted_in_one_call(client: TestClient) -> None:
    real, dup = create_people(client, ["Nguyễn Văn An", "Nguyễn Văn An"])
    meeting = create_meeting(client, [real, dup])
    response = client.delete(f"/api/v1/people/{dup}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["person_id"], body["full_name"], body["records"]["meetings"]) == (
        dup,
        "Nguyễn Văn An",
        1,
    )
    attendance = client.get(f"/api/v1/meetings/{meeting}/attendance").json()
    assert [a["person"]["id"] for a in attendance] == [real]
    assert client.delete(f"/api/v1/people/{dup}").status_code == 404


def test_someone_who_came_to_a_meeting_is_deleted_only_with_force(
    client: TestClient, room: Room
) -> None:
    person = room.people[0]
    arrive(client, room, person)
    refused = client.delete(f"/api/v1/people/{person}")
    assert (refused.status_code, refused.json()["reason"]) == (409, "PERSON_HAS_RECORDS")
    assert "force=true" in refused.json()["detail"]
    assert client.get(f"/api/v1/people/{person}").status_code == 200
    bad = client.delete(f"/api/v1/people/{person}", params={"force": "perhaps"})
    assert bad.status_code == 422
    forced = client.delete(f"/api/v1/people/{person}", params={"force": "true"})
    assert forced.status_code == 200 and forced.json()["records"]["events"] == 1
    attendance = client.get(f"/api/v1/meetings/{room.meeting_id}/attendance").json()
    assert person not in [a["person"]["id"] for a in attendance]
