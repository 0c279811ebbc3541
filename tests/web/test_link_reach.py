"""Links phones cannot open (they name 127.0.0.1) come with why and what to set; links that
name the server's address on the local network come without."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, followed, post, sign_in, text_of

from api.link_reach import lan_address, unreachable
from attendance.settings import Settings

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
LOOPBACK = "http://127.0.0.1:8000"
LAN = "http://192.168.1.50:8000"
NOTICE = 'class="flash warn link-reach"'
WHY_VI = "Điện thoại và máy tính khác không mở được liên kết này: 127.0.0.1"
FIX_VI = "ATTEND_PUBLIC_URL=http://"
WHY_EN = "Phones and other computers cannot open this link: 127.0.0.1"


def _secretary_with_a_member(
    make_client: Callable[..., TestClient], public_url: str
) -> tuple[TestClient, int, int]:
    client = make_client(public_url=public_url)
    sign_in(client)
    meeting_id = create_meeting(client)
    person = client.post("/api/v1/people", json={"full_name": "Nguyễn Văn An"}, headers=BEARER)
    person_id = person.json()["id"]
    url = f"/api/v1/meetings/{meeting_id}/participants"
    assert client.put(url, json={"person_ids": [person_id]}, headers=BEARER).status_code == 200
    return client, meeting_id, person_id


def _notice_shown(html: str, *phrases: str) -> bool:
    shown = NOTICE in html
    if shown:
        text = text_of(html)
        assert all(p in text for p in phrases), text
    return shown


@pytest.mark.parametrize(("public_url", "expected"), [(LOOPBACK, True), (LAN, False)])
def test_pages_that_hand_out_links_say_when_phones_cannot_open_them(
    make_client: Callable[..., TestClient], public_url: str, expected: bool
) -> None:
    client, meeting_id, person_id = _secretary_with_a_member(make_client, public_url)
    # The meeting page's manual check-in of a voting member shows their link once.
    came = {"person_id": str(person_id), "reason": "Quên thẻ", "key": "a", "at": "2026-03-02T08:05"}
    checked_in = followed(client, post(client, f"/meetings/{meeting_id}/checkin", came))
    assert checked_in.status_code == 200 and f"{public_url}/vote#vp_" in checked_in.text
    assert _notice_shown(checked_in.text, WHY_VI, FIX_VI, "--host 0.0.0.0") is expected
    # The poll page's new voting link, here in English.
    issued = followed(
        client,
        post(client, f"/meetings/{meeting_id}/voting-link?lang=en", {"person_id": str(person_id)}),
    )
    assert issued.status_code == 200 and f"{public_url}/vote#vp_" in issued.text
    assert _notice_shown(issued.text, WHY_EN, "ATTEND_PUBLIC_URL=http://") is expected
    # The room screen's board link.
    board = post(client, f"/meetings/{meeting_id}/board-link?lang=vi", {})
    assert board.status_code == 200 and f"{public_url}/board/{meeting_id}?key=" in board.text
    assert _notice_shown(board.text, WHY_VI, FIX_VI) is expected


@pytest.mark.parametrize(("public_url", "expected"), [(LOOPBACK, True), (LAN, False)])
def test_api_answers_with_a_voting_link_carry_the_warning_too(
    make_client: Callable[..., TestClient], public_url: str, expected: bool
) -> None:
    client, meeting_id, person_id = _secretary_with_a_member(make_client, public_url)
    checkin = client.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        json={
            "person_id": person_id,
            "source": "door",
            "idempotency_key": "k1",
            "at": "2026-03-02T08:05:00",
        },
        headers=BEARER,
    )
    assert checkin.status_code == 201, checkin.text
    event = checkin.json()
    assert event["voting_url"].startswith(f"{public_url}/vote#")
    warning = event["voting_url_warning"]
    assert (warning is not None) is expected
    passes = client.post(
        f"/api/v1/meetings/{meeting_id}/voting-passes",
        json={"person_id": person_id},
        headers=BEARER,
    )
    assert passes.status_code == 201, passes.text
    assert (passes.json()["url_warning"] is not None) is expected
    if expected:
        for said in (warning, passes.json()["url_warning"]):
            assert WHY_VI in said and WHY_EN in said and "ATTEND_PUBLIC_URL=" in said


def test_what_the_link_names_and_where_the_server_listens_decide_the_advice() -> None:
    listening_here = Settings(host="127.0.0.1", port=8000)
    reach = unreachable("http://127.0.0.1:8000/vote#vp_x", listening_here)
    assert reach is not None and "--host 0.0.0.0" in reach.fix("en")
    assert reach.fix("vi").endswith("attendance serve --host 0.0.0.0.")
    assert unreachable("http://localhost:8000/vote", listening_here) is not None
    assert unreachable("http://[::1]:8000/vote", listening_here) is not None
    everywhere = Settings(host="0.0.0.0", port=9000)
    unnamed = unreachable("http://0.0.0.0:9000/vote#vp_x", everywhere)
    assert unnamed is not None and "0.0.0.0 is not an address" in unnamed.why("en")
    assert "--host" not in unnamed.fix("en") and ":9000" in unnamed.fix("en")
    for reachable in (LAN, "https://diemdanh.example.vn", "http://10.0.0.5:8000"):
        assert unreachable(f"{reachable}/vote", listening_here) is None
    # The address suggested is this machine's on its network when it has one, never loopback.
    address = lan_address()
    assert address is None or not address.startswith("127.")
    if address:
        assert f"http://{address}:8000" in reach.fix("en")
