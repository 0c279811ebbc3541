"""Poll pages: create from the form, open, watch the tally, close, the projector, proxies, links."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, followed, post, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
MEMBERS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu")


def _today(hour: int, minute: int = 0) -> str:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime(f"%Y-%m-%dT{hour:02d}:{minute:02d}")


def _room(client: TestClient) -> tuple[int, list[int], list[dict[str, str]]]:
    """A meeting today with three members, all checked in; their voting links' headers."""
    meeting_id = create_meeting(
        client, "Kỳ họp HĐND phường", starts_at=_today(0), ends_at=_today(23, 59)
    )
    ids = [
        client.post("/api/v1/people", json={"full_name": n}, headers=BEARER).json()["id"]
        for n in MEMBERS
    ]
    url = f"/api/v1/meetings/{meeting_id}/participants"
    assert client.put(url, json={"person_ids": ids}, headers=BEARER).status_code == 200
    links = []
    for person_id in ids:
        event = client.post(
            f"/api/v1/meetings/{meeting_id}/checkins",
            json={"person_id": person_id, "source": "kiosk", "idempotency_key": f"k{person_id}"},
            headers=BEARER,
        ).json()
        links.append({"Authorization": "Bearer " + event["voting_url"].split("#", 1)[1]})
    return meeting_id, ids, links


def _create(client: TestClient, meeting_id: int, **fields: str) -> int:
    form = {
        "title": "Thông qua kế hoạch năm 2027",
        "quorum": "1/2",
        "max_choices": "1",
        "abstentions_in_base": "on",
        **fields,
    }
    response = post(client, f"/meetings/{meeting_id}/polls", form)
    assert response.status_code == 303, response.text
    match = re.search(r"/polls/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def test_a_secretary_runs_a_named_poll_from_the_pages(client: TestClient) -> None:
    meeting_id, _, links = _room(client)
    poll_id = _create(client, meeting_id)
    page = f"/meetings/{meeting_id}/polls/{poll_id}"
    assert "Chưa mở" in text_of(client.get(page).text)
    assert post(client, f"{page}/open", {}).status_code == 303
    poll = client.get(f"/api/v1/meetings/{meeting_id}/polls/{poll_id}", headers=BEARER).json()
    ballot = {"option_ids": [poll["options"][0]["id"]]}
    url = f"/api/v1/meetings/{meeting_id}/polls/{poll_id}/ballots"
    assert client.post(url, json=ballot, headers=links[0]).status_code == 201
    live = text_of(client.get(page).text)
    assert "Đang mở" in live and "Chưa bỏ phiếu" in live
    assert "Trần Thị Bình" in live and "Lê Minh Châu" in live
    screen = text_of(client.get(f"{page}/screen").text)
    assert "Đã bỏ phiếu 1/3" in screen
    assert post(client, f"{page}/close", {}).status_code == 303
    closed = text_of(client.get(page).text)
    assert "Không thông qua: tán thành 1 trên 3" in closed  # more than half of 3 needs 2
    assert "Nguyễn Văn An" in closed  # named ballots are listed
    projector = text_of(client.get(f"{page}/screen?lang=en").text)
    assert "Not passed" in projector
    audit = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=vi").text)
    assert "Mở biểu quyết" in audit and "Kết thúc biểu quyết" in audit and "Chị Thu" in audit


def test_a_bad_poll_form_is_answered_on_the_page_and_nothing_is_saved(
    client: TestClient,
) -> None:
    meeting_id, _, _ = _room(client)
    form = {"title": "Bầu tổ trưởng", "kind": "election", "quorum": "1/2", "max_choices": "1"}
    response = post(client, f"/meetings/{meeting_id}/polls", form)
    assert response.status_code == 422
    assert "Bầu cử cần danh sách ứng cử viên" in text_of(response.text)
    assert 'value="Bầu tổ trưởng"' in response.text
    assert client.get(f"/api/v1/meetings/{meeting_id}/polls", headers=BEARER).json() == []
    bad_number = post(client, f"/meetings/{meeting_id}/polls", {**form, "max_choices": "hai"})
    assert bad_number.status_code == 422


def test_opening_without_quorum_says_why(client: TestClient) -> None:
    meeting_id, _, _ = _room(client)
    poll_id = _create(client, meeting_id, quorum="1")
    out = {"person_id": "", "reason": "Về sớm"}
    people = client.get(f"/api/v1/meetings/{meeting_id}/attendance", headers=BEARER).json()
    out["person_id"] = str(people[0]["person"]["id"])
    assert post(client, f"/meetings/{meeting_id}/checkout", out).status_code == 303
    response = post(client, f"/meetings/{meeting_id}/polls/{poll_id}/open", {})
    assert response.status_code == 409
    assert "có mặt 2/3 đại biểu, cần 3" in text_of(response.text)


def test_proxies_and_a_new_voting_link_with_its_qr_code(client: TestClient) -> None:
    meeting_id, ids, _ = _room(client)
    form = {"grantor_id": str(ids[2]), "holder_id": str(ids[0]), "note": "Giấy ủy quyền số 3"}
    out = {"person_id": str(ids[2]), "reason": "Đi công tác"}
    assert post(client, f"/meetings/{meeting_id}/checkout", out).status_code == 303
    assert post(client, f"/meetings/{meeting_id}/proxies", form).status_code == 303
    page = text_of(client.get(f"/meetings/{meeting_id}/polls").text)
    assert "Lê Minh Châu → Nguyễn Văn An" in page
    issued = followed(
        client, post(client, f"/meetings/{meeting_id}/voting-link", {"person_id": str(ids[1])})
    )
    assert issued.status_code == 200 and "<svg" in issued.text and "/vote#vp_" in issued.text
    assert issued.headers["cache-control"] == "no-store"
    revoked = post(client, f"/meetings/{meeting_id}/proxies/{ids[2]}/revoke", {})
    assert revoked.status_code == 303
    assert "Chưa có ủy quyền" in text_of(client.get(f"/meetings/{meeting_id}/polls").text)


def test_poll_pages_need_a_signed_in_secretary(anonymous: TestClient) -> None:
    response = anonymous.get("/meetings/1/polls", follow_redirects=False)
    assert response.status_code in (303, 401)


def test_an_opinion_collection_is_not_shown_as_a_vote(client: TestClient) -> None:
    meeting_id, _, links = _room(client)
    poll_id = _create(client, meeting_id, title="Góp ý dự thảo quy chế", kind="opinion")
    assert post(client, f"/meetings/{meeting_id}/polls/{poll_id}/open", {}).status_code == 303
    said = client.post(
        f"/api/v1/meetings/{meeting_id}/polls/{poll_id}/opinions",
        json={"text": "Đề nghị bổ sung điều 5"},
        headers=links[0],
    )
    assert said.status_code == 201, said.text
    page = text_of(client.get(f"/meetings/{meeting_id}/polls/{poll_id}").text)
    assert "Lấy ý kiến · Ý kiến ghi tên" in page and "1 ý kiến" in page
    assert "Nguyễn Văn An : Đề nghị bổ sung điều 5" in page
    assert "Kết thúc lấy ý kiến" in page
    for vote_word in ("Tính trên", "Đa số", "Tối thiểu có mặt", "Số phiếu", "Chưa bỏ phiếu"):
        assert vote_word not in page, vote_word
    assert post(client, f"/meetings/{meeting_id}/polls/{poll_id}/close", {}).status_code == 303
    closed = text_of(client.get(f"/meetings/{meeting_id}/polls/{poll_id}").text)
    assert "Số phiếu" not in closed and "Tính trên" not in closed
    screen = text_of(client.get(f"/meetings/{meeting_id}/polls/{poll_id}/screen").text)
    assert "Lấy ý kiến" in screen and "1 ý kiến" in screen and "Số phiếu" not in screen
    listed = client.get(f"/meetings/{meeting_id}/polls").text
    row = re.search(rf'<tr id="poll-{poll_id}">.*?</tr>', listed, re.S)
    assert row is not None and '<td class="num">–</td>' in row.group(0)
