"""Pages that hand out voting links: whose link it is, shown once after a redirect (a reload
issues nothing), no 405 on their addresses, and a check-in keeps a link issued earlier."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient
from web_support import (
    ADMIN_TOKEN,
    create_meeting,
    followed,
    post,
    sign_in,
    text_of,
    voting_link_on,
)

from api.web.held_links import HeldLink, HeldLinks

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PEOPLE = (
    ("Nguyễn Văn An", "Chủ tịch", "UBND phường Bến Nghé"),
    ("Tạ Quang Huy", "Chánh Văn phòng", "Văn phòng HĐND-UBND"),
)


def _room(client: TestClient) -> tuple[int, list[int]]:
    """A meeting today with two voting members, neither checked in yet."""
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m-%d")
    meeting_id = create_meeting(client, starts_at=f"{day}T00:00", ends_at=f"{day}T23:59")
    ids = []
    for name, title, unit in PEOPLE:
        made = client.post(
            "/api/v1/people", json={"full_name": name, "title": title, "unit": unit}, headers=BEARER
        )
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    roster = client.put(
        f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": ids}, headers=BEARER
    )
    assert roster.status_code == 200, roster.text
    return meeting_id, ids


def _passes_issued(client: TestClient, meeting_id: int) -> int:
    audit = client.get(f"/api/v1/meetings/{meeting_id}/audit", headers=BEARER).json()
    return sum(line["action"] == "voting_pass_issued" for line in audit)


def _link_of(page: httpx.Response) -> str:
    return voting_link_on(page)["Authorization"].removeprefix("Bearer ")


def test_a_new_link_names_its_delegate_keeps_the_choice_and_a_reload_issues_none(
    client: TestClient,
) -> None:
    meeting_id, ids = _room(client)
    answer = post(client, f"/meetings/{meeting_id}/voting-link", {"person_id": str(ids[1])})
    # A redirect to a GET page: the link is held server-side, never in the address.
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith(f"/meetings/{meeting_id}/polls?link=") and "vp_" not in location
    shown = client.get(location)
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    token = _link_of(shown)
    card = text_of(re.search(r'id="issued-link".*?</section>', shown.text, re.S)[0])  # type: ignore[index]
    assert "Liên kết bỏ phiếu của đại biểu Tạ Quang Huy" in card
    assert "Tạ Quang Huy · Chánh Văn phòng · Văn phòng HĐND-UBND" in card
    # The delegate drop-down still names the person just issued a link, not the first one.
    chosen = re.search(r'<option value="(\d+)" selected>([^<]+)</option>', shown.text)
    assert chosen is not None and chosen.group(1) == str(ids[1])
    assert chosen.group(2).startswith("Tạ Quang Huy")

    # F5 on the page that showed it: no second link, and the first one still works.
    again = client.get(location)
    assert again.status_code == 200 and "vp_" not in again.text
    assert "đã hiện một lần và không hiện lại" in text_of(again.text)
    assert "Tạ Quang Huy" in text_of(again.text)
    assert _passes_issued(client, meeting_id) == 1
    voter = client.get("/api/v1/voter", headers={"Authorization": f"Bearer {token}"})
    assert voter.status_code == 200 and voter.json()["person"]["id"] == ids[1]

    # In English too, and a key no longer held says to issue a new link.
    english = followed(
        client,
        post(client, f"/meetings/{meeting_id}/voting-link?lang=en", {"person_id": str(ids[0])}),
    )
    assert "Voting link of Nguyễn Văn An (shown only once)" in text_of(english.text)
    lost = client.get(f"/meetings/{meeting_id}/polls?link=no-such-key&lang=vi")
    assert "chỉ hiện một lần và không còn ở đây" in text_of(lost.text)
    assert "vp_" not in lost.text


def test_form_addresses_opened_later_go_to_their_page_not_405(client: TestClient) -> None:
    meeting_id, ids = _room(client)
    for address, page in (
        (f"/meetings/{meeting_id}/voting-link", f"/meetings/{meeting_id}/polls"),
        (f"/meetings/{meeting_id}/checkin", f"/meetings/{meeting_id}"),
        (f"/meetings/{meeting_id}/checkout", f"/meetings/{meeting_id}"),
        (f"/people/{ids[0]}/photos", f"/people/{ids[0]}"),
    ):
        opened = client.get(address, follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == page, address
        assert client.get(address).status_code == 200
    assert _passes_issued(client, meeting_id) == 0  # opening them issued nothing


def test_a_manual_check_in_keeps_the_link_the_delegate_already_holds(client: TestClient) -> None:
    meeting_id, ids = _room(client)
    before = followed(
        client, post(client, f"/meetings/{meeting_id}/voting-link", {"person_id": str(ids[1])})
    )
    held = voting_link_on(before)
    came = {"person_id": str(ids[1]), "reason": "Quên thẻ", "key": "huy-1"}
    answer = post(client, f"/meetings/{meeting_id}/checkin", came)
    assert answer.status_code == 303 and "vp_" not in answer.headers["location"]
    page = client.get(answer.headers["location"])
    text = text_of(page.text)
    assert "Đã điểm danh Tạ Quang Huy." in text and "Đã cấp liên kết trước" in text
    assert "/vote#vp_" not in page.text  # no new link: the one he holds is not revoked
    assert _passes_issued(client, meeting_id) == 1
    voter = client.get("/api/v1/voter", headers=held)
    assert voter.status_code == 200 and voter.json()["voting_status"] == "present"
    # Someone without a link still gets one at the door, shown once with their name.
    first = {"person_id": str(ids[0]), "reason": "Quên thẻ", "key": "an-1"}
    arrived = followed(client, post(client, f"/meetings/{meeting_id}/checkin", first))
    assert "Đã điểm danh Nguyễn Văn An" in text_of(arrived.text)
    assert "Chủ tịch · UBND phường Bến Nghé" in text_of(arrived.text)
    assert client.get("/api/v1/voter", headers=voting_link_on(arrived)).status_code == 200


def test_held_links_are_shown_once_to_whoever_issued_them() -> None:
    store = HeldLinks()
    held = HeldLink(
        meeting_id=1, person_id=2, name="Tạ Quang Huy", title=None, unit=None, link=None
    )
    key = store.keep(held, owner="session:7")
    assert store.take(key, owner="session:8", meeting_id=1) is None  # another sign-in
    assert store.take(key, owner="session:7", meeting_id=2) is None  # another meeting
    assert store.take(key, owner="session:7", meeting_id=1) == held
    expired = HeldLinks(ttl=0.0)
    assert (
        expired.take(expired.keep(held, owner="session:7"), owner="session:7", meeting_id=1) is None
    )


def test_a_link_shown_once_is_not_shown_to_another_secretary_on_the_same_token(
    client: TestClient,
) -> None:
    meeting_id, ids = _room(client)
    issued = post(client, f"/meetings/{meeting_id}/voting-link", {"person_id": str(ids[1])})
    address = issued.headers["location"]
    other = TestClient(client.app, raise_server_exceptions=False)
    other.app_state.update(client.app_state)
    sign_in(other, label="Anh Nam")  # the same admin token, another browser
    seen = other.get(address)
    assert seen.status_code == 200 and "/vote#vp_" not in seen.text
    assert voting_link_on(client.get(address))  # the secretary who issued it still sees it
