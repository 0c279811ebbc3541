"""The delegate's voting page: opened by the personal link, escaped, never cached."""

from __future__ import annotations

from api_support import create_meeting, create_people
from fastapi.testclient import TestClient
from test_api_polls import today


def test_voting_link_opens_the_delegates_page(client: TestClient) -> None:
    ids = create_people(client, ["Nguyễn Thị Ánh"])
    meeting_id = create_meeting(
        client,
        ids,
        title="Kỳ họp <script>alert(1)</script>",
        starts_at=today(0),
        ends_at=today(23, 59),
    )
    event = client.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        json={"person_id": ids[0], "source": "kiosk", "idempotency_key": "a1"},
    ).json()
    path = event["voting_url"].removeprefix("http://127.0.0.1:8000")
    page = client.get(path, headers={"Authorization": ""})
    assert page.status_code == 200
    assert "Nguyễn Thị Ánh" in page.text and "Biểu quyết" in page.text
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    english = client.get(path, params={"lang": "en"}, headers={"Authorization": ""})
    assert "Cast ballot" in english.text


def test_unknown_link_shows_a_bilingual_message(client: TestClient) -> None:
    page = client.get("/vote/vp_nothing-here", headers={"Authorization": ""})
    assert page.status_code == 401
    assert "Liên kết bỏ phiếu không hợp lệ" in page.text


def test_polls_tell_a_delegate_whether_they_voted(client: TestClient) -> None:
    ids = create_people(client, ["Lê Văn Tám", "Đinh Thị Hoa"])
    meeting_id = create_meeting(client, ids, starts_at=today(0), ends_at=today(23, 59))
    links = []
    for person_id in ids:
        event = client.post(
            f"/api/v1/meetings/{meeting_id}/checkins",
            json={"person_id": person_id, "source": "kiosk", "idempotency_key": f"a{person_id}"},
        ).json()
        links.append({"Authorization": "Bearer " + event["voting_url"].rsplit("/", 1)[1]})
    polls = f"/api/v1/meetings/{meeting_id}/polls"
    poll = client.post(polls, json={"title": "Nghị quyết"}).json()
    client.post(f"{polls}/{poll['id']}/open")
    option = poll["options"][0]["id"]
    cast = client.post(
        f"{polls}/{poll['id']}/ballots", json={"option_ids": [option]}, headers=links[0]
    )
    assert cast.status_code == 201
    assert [p["you_voted"] for p in client.get(polls, headers=links[0]).json()] == [True]
    assert [p["you_voted"] for p in client.get(polls, headers=links[1]).json()] == [False]
    assert [p["you_voted"] for p in client.get(polls).json()] == [None]  # staff
