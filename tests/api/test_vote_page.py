"""The delegate's voting page: opened by the personal link, escaped, never cached."""

from __future__ import annotations

import re

from api_support import create_meeting, create_people
from fastapi.testclient import TestClient
from polls_support import today

from api.vote_page import TEXTS


def test_voting_link_keeps_its_token_out_of_the_address_the_server_sees(
    client: TestClient,
) -> None:
    ids = create_people(client, ["Nguyễn Thị Ánh"])
    meeting_id = create_meeting(
        client, ids, title="Kỳ họp <b>7</b>", starts_at=today(0), ends_at=today(23, 59)
    )
    event = client.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        json={"person_id": ids[0], "source": "kiosk", "idempotency_key": "a1"},
    ).json()
    page_url, token = event["voting_url"].split("#", 1)
    assert page_url == "http://127.0.0.1:8000/vote" and token.startswith("vp_")
    page = client.get("/vote", headers={"Authorization": ""})
    assert page.status_code == 200 and "Gửi phiếu" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "Cast ballot" in client.get("/vote?lang=en", headers={"Authorization": ""}).text
    me = client.get("/api/v1/voter", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json() == {
        "meeting_id": meeting_id,
        "meeting_title": "Kỳ họp <b>7</b>",  # shown with textContent by the page's script
        "person": {"id": ids[0], "full_name": "Nguyễn Thị Ánh"},
        "may_vote": True,  # checked in just now, a voting member
        "voting_status": "present",
        "may_give_opinions": True,
        "proxies_for": [],
    }


def test_unknown_link_is_refused_and_staff_have_no_voter_identity(client: TestClient) -> None:
    unknown = client.get("/api/v1/voter", headers={"Authorization": "Bearer vp_nothing-here"})
    assert unknown.status_code == 401
    assert "Liên kết bỏ phiếu không hợp lệ" in unknown.json()["detail"]
    assert client.get("/api/v1/voter").status_code == 403


def test_polls_tell_a_delegate_whether_they_voted(client: TestClient) -> None:
    ids = create_people(client, ["Lê Văn Tám", "Đinh Thị Hoa"])
    meeting_id = create_meeting(client, ids, starts_at=today(0), ends_at=today(23, 59))
    links = []
    for person_id in ids:
        event = client.post(
            f"/api/v1/meetings/{meeting_id}/checkins",
            json={"person_id": person_id, "source": "kiosk", "idempotency_key": f"a{person_id}"},
        ).json()
        links.append({"Authorization": "Bearer " + event["voting_url"].split("#", 1)[1]})
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


def test_the_phone_page_addresses_a_delegate_as_dong_chi_throughout() -> None:
    """Delegates in Vietnamese administrative meetings are "đồng chí", never "bạn"."""
    texts = TEXTS["vi"]
    assert not [key for key, text in texts.items() if re.search(r"\bbạn\b", text, re.I)]
    assert texts["voted"] == "Đồng chí đã bỏ phiếu."
    assert texts["voted_by"].format(name="Nguyễn Văn An") == (
        "Đồng chí đã được bỏ phiếu thay bởi Nguyễn Văn An."
    )
    assert texts["kind_opinion"] == "Lấy ý kiến" and TEXTS["en"]["kind_opinion"] == "Opinions"
    assert set(TEXTS["vi"]) == set(TEXTS["en"])
