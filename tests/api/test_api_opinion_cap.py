"""A member's opinions on one poll or agenda item are capped (an attacker posted 300 opinions
of 5,000 characters in 3.8 s, and the conclusion notice then took 28.7 s): the sixth is
refused with 409 TOO_MANY_OPINIONS in both languages and nothing is stored; a secret poll,
whose opinions name nobody, takes five for each person on its roster, all together."""

from __future__ import annotations

from api_support import query
from fastapi.testclient import TestClient
from polls_support import Room, new_poll, present

from attendance.voting.opinions import MAX_OPINIONS_EACH


def _item(client: TestClient, room: Room) -> int:
    response = client.post(
        f"/api/v1/meetings/{room.meeting_id}/agenda", json={"title": "Dự toán ngân sách 2027"}
    )
    assert response.status_code == 201, response.text
    item_id: int = response.json()["id"]
    return item_id


def _refused_in_both_languages(response: object) -> None:
    assert response.status_code == 409, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["reason"] == "TOO_MANY_OPINIONS"
    assert body["detail"].index("Mỗi đại biểu gửi tối đa 5 ý kiến") < body["detail"].index(
        "A member may give at most 5 opinions"
    )


def test_a_member_gives_five_opinions_on_an_item_and_the_sixth_is_refused(
    client: TestClient, room: Room, database_url: str
) -> None:
    an, binh = present(client, room, 2)
    url = f"/api/v1/meetings/{room.meeting_id}/agenda/{_item(client, room)}/opinions"
    for n in range(MAX_OPINIONS_EACH):
        said = client.post(url, json={"text": f"Ý kiến thứ {n + 1}."}, headers=an)
        assert said.status_code == 201, said.text
    _refused_in_both_languages(client.post(url, json={"text": "Thêm nữa."}, headers=an))
    # Another member still has all of theirs.
    assert client.post(url, json={"text": "Tôi nhất trí."}, headers=binh).status_code == 201
    assert query(database_url, "SELECT count(*) FROM opinions") == [(MAX_OPINIONS_EACH + 1,)]
    assert len(client.get(url).json()) == MAX_OPINIONS_EACH + 1


def test_the_cap_counts_each_named_poll_apart(client: TestClient, room: Room) -> None:
    an = present(client, room)[0]  # three of five: the quorum to open a poll
    first, second = (new_poll(client, room, kind="opinion") for _ in range(2))
    base = f"/api/v1/meetings/{room.meeting_id}/polls"
    for n in range(MAX_OPINIONS_EACH):
        said = client.post(f"{base}/{first['id']}/opinions", json={"text": f"Ý {n}."}, headers=an)
        assert said.status_code == 201, said.text
    _refused_in_both_languages(
        client.post(f"{base}/{first['id']}/opinions", json={"text": "Ý 6."}, headers=an)
    )
    again = client.post(f"{base}/{second['id']}/opinions", json={"text": "Ý 1."}, headers=an)
    assert again.status_code == 201, again.text


def test_a_secret_poll_takes_five_for_each_person_on_its_roster_without_naming_anyone(
    client: TestClient, room: Room, database_url: str
) -> None:
    headers = present(client, room, 3)
    poll = new_poll(client, room, secrecy="secret", kind="opinion")
    url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/opinions"
    limit = MAX_OPINIONS_EACH * len(room.people)  # five voting members and an observer: 30
    for n in range(limit):
        said = client.post(url, json={"text": f"Ý kiến {n}."}, headers=headers[n % 3])
        assert said.status_code == 201, said.text
    refused = client.post(url, json={"text": "Một ý nữa."}, headers=headers[0])
    assert refused.status_code == 409, refused.text
    assert refused.json()["reason"] == "TOO_MANY_OPINIONS"
    assert refused.json()["detail"].index("Biểu quyết kín này đã nhận đủ 30 ý kiến") < (
        refused.json()["detail"].index("This secret poll already holds 30 opinions")
    )
    stored = query(database_url, "SELECT count(*), count(person_id), count(at) FROM opinions")
    assert stored == [(limit, 0, 0)]
