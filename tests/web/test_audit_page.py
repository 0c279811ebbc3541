"""The audit page reads as words: names with their numbers, the poll of a ballot, sources."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _today(hour: int, minute: int = 0) -> str:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime(f"%Y-%m-%dT{hour:02d}:{minute:02d}")


def test_the_audit_page_names_people_polls_and_sources_in_both_languages(
    client: TestClient,
) -> None:
    meeting_id = create_meeting(client, starts_at=_today(0), ends_at=_today(23, 59))
    api = f"/api/v1/meetings/{meeting_id}"
    an, binh = (
        client.post("/api/v1/people", json={"full_name": n}, headers=BEARER).json()["id"]
        for n in ("Nguyễn Văn An", "Trần Thị Bình")
    )
    client.put(f"{api}/participants", json={"person_ids": [an, binh]}, headers=BEARER)
    arrived = client.post(
        f"{api}/checkins",
        json={"person_id": an, "source": "kiosk:cua-A", "idempotency_key": "k1"},
        headers=BEARER,
    ).json()
    link = {"Authorization": "Bearer " + arrived["voting_url"].split("#", 1)[1]}
    by_hand = {"person_id": binh, "source": "manual", "idempotency_key": "m1", "note": "Quên thẻ"}
    assert client.post(f"{api}/checkins", json=by_hand, headers=BEARER).status_code == 201
    poll = client.post(
        f"{api}/polls", json={"title": "Thông qua chương trình", "quorum": "1/2"}, headers=BEARER
    ).json()
    assert client.post(f"{api}/polls/{poll['id']}/open", headers=BEARER).status_code == 200
    choice = {"option_ids": [poll["options"][0]["id"]]}
    voted = client.post(f"{api}/polls/{poll['id']}/ballots", json=choice, headers=link)
    assert voted.status_code == 201, voted.text

    page = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=vi").text)
    assert (
        f"Nguyễn Văn An #{an} Bỏ phiếu Nguyễn Văn An #{an} Thông qua chương trình "
        f"#{poll['id']} chọn: Đồng ý liên kết bỏ phiếu" in page
    )
    assert f"Điểm danh Trần Thị Bình #{binh} thủ công Quên thẻ" in page
    assert "Nguồn" in page and "person:" not in page and "poll:" not in page
    english = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=en").text)
    assert f"Ballot cast Nguyễn Văn An #{an} Thông qua chương trình" in english
    assert "chose: Đồng ý voting link" in english
    assert f"Trần Thị Bình #{binh} manual Quên thẻ" in english


def test_a_roster_set_as_a_whole_reads_as_what_it_changed(client: TestClient) -> None:
    meeting_id = create_meeting(client, starts_at=_today(0), ends_at=_today(23, 59))
    api = f"/api/v1/meetings/{meeting_id}"
    ids = [
        client.post("/api/v1/people", json={"full_name": n}, headers=BEARER).json()["id"]
        for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu")
    ]
    for roster in (ids, {"person_ids": ids[:2], "non_voting_ids": [ids[1]]}):
        body = roster if isinstance(roster, dict) else {"person_ids": roster}
        assert client.put(f"{api}/participants", json=body, headers=BEARER).status_code == 200
    page = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=vi").text)
    assert (
        "Đặt lại cả danh sách 0 người thêm vào, 1 người bỏ khỏi danh sách, 1 người đổi quyền "
        "biểu quyết, 0 ủy quyền và 0 liên kết bỏ phiếu bị hủy; danh sách có 2 người. "
        f"Bỏ khỏi danh sách: Lê Minh Châu #{ids[2]} . "
        f"Đổi quyền biểu quyết: Trần Thị Bình #{ids[1]} ." in page
    )
    english = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=en").text)
    assert "Roster set as a whole 0 added, 1 taken off, 1 with voting rights changed" in english
    assert f"Taken off: Lê Minh Châu #{ids[2]} ." in english


def test_a_change_of_voting_rights_says_which_way_and_a_page_past_the_end_goes_to_the_last(
    client: TestClient,
) -> None:
    meeting_id = create_meeting(client, starts_at=_today(0), ends_at=_today(23, 59))
    api = f"/api/v1/meetings/{meeting_id}/participants"
    an = client.post("/api/v1/people", json={"full_name": "Nguyễn Văn An"}, headers=BEARER)
    person = an.json()["id"]
    assert client.put(api, json={"person_ids": [person]}, headers=BEARER).is_success
    for votes in (False, True):
        changed = client.patch(f"{api}/{person}", json={"voting_rights": votes}, headers=BEARER)
        assert changed.is_success, changed.text
    page = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=vi").text)
    assert "Đổi quyền biểu quyết Nguyễn Văn An" in page
    assert "được quyền biểu quyết" in page and "không còn quyền biểu quyết" in page
    english = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=en").text)
    assert "given a vote" in english and "vote taken away" in english

    past = client.get("/audit?page=99999&lang=en", follow_redirects=False)
    assert past.status_code == 303 and past.headers["location"] == "/audit?page=1&lang=en"
    assert "Page 1 of 1" in text_of(client.get(past.headers["location"]).text)
    for before_the_first in ("0", "-1"):
        there = client.get(f"/audit?page={before_the_first}", follow_redirects=False)
        assert there.status_code == 303 and there.headers["location"] == "/audit?page=1"
