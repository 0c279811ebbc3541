"""The meeting page's roster edits (add one, voting rights, take off) and deleting a meeting."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, post, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _person(client: TestClient, name: str, **fields: str) -> int:
    response = client.post("/api/v1/people", json={"full_name": name, **fields}, headers=BEARER)
    assert response.status_code == 201, response.text
    person_id: int = response.json()["id"]
    return person_id


def _rights(client: TestClient, meeting_id: int) -> dict[str, bool]:
    url = f"/api/v1/meetings/{meeting_id}/participants"
    return {r["person"]["full_name"]: r["voting_rights"] for r in client.get(url).json()}


def test_a_search_without_diacritics_finds_people_not_yet_on_the_roster(
    client: TestClient,
) -> None:
    meeting_id = create_meeting(client)
    an = _person(client, "Nguyễn Văn An", unit="UBND Quận 1")
    _person(client, "Nguyễn Văn Ân")
    _person(client, "Trần Thị Bình")
    post(client, f"/meetings/{meeting_id}/participants", {"person_id": str(an)})
    page = client.get(f"/meetings/{meeting_id}", params={"q": "nguyen van"})
    candidates = re.findall(r'<li id="candidate-\d+"><span><b>([^<]+)</b>', page.text)
    assert candidates == ["Nguyễn Văn Ân"]  # An is on the roster already, Bình is not a match
    nobody = text_of(client.get(f"/meetings/{meeting_id}", params={"q": "zzz"}).text)
    assert "Không tìm thấy ai chưa có trong danh sách" in nobody


def test_add_change_rights_and_take_off_one_person_from_the_page(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    an = _person(client, "Nguyễn Văn An")
    base = f"/meetings/{meeting_id}/participants"
    added = post(client, base, {"person_id": str(an), "observer": "yes"})
    assert added.status_code == 303
    assert added.headers["location"] == f"/meetings/{meeting_id}?ok=participant_added#person-{an}"
    assert _rights(client, meeting_id) == {"Nguyễn Văn An": False}
    page = text_of(client.get(f"/meetings/{meeting_id}?ok=participant_added").text)
    assert "Đã thêm vào danh sách." in page and "Khách mời (không biểu quyết)" in page
    again = post(client, base, {"person_id": str(an)})
    assert again.status_code == 409 and "đã có trong danh sách" in again.text

    made = post(client, f"{base}/{an}/voting-rights", {"voting_rights": "yes"})
    assert made.status_code == 303 and _rights(client, meeting_id) == {"Nguyễn Văn An": True}
    assert "Có quyền biểu quyết" in text_of(client.get(f"/meetings/{meeting_id}").text)

    gone = post(client, f"{base}/{an}/remove", {})
    assert gone.status_code == 303 and _rights(client, meeting_id) == {}
    missing = post(client, f"{base}/{an}/remove", {})
    assert missing.status_code == 404 and "không có trong danh sách" in missing.text
    audit = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=en").text)
    for action in ("Added to the roster", "Voting rights changed", "Taken off the roster"):
        assert action in audit


def test_a_new_person_is_created_and_added_at_once(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    form = {"full_name": "Lê Hoàng Cường", "title": "Trưởng phòng", "unit": "Phòng Nội vụ"}
    created = post(client, f"/meetings/{meeting_id}/participants/new", form)
    assert created.status_code == 303, created.text
    assert _rights(client, meeting_id) == {"Lê Hoàng Cường": True}
    empty = post(client, f"/meetings/{meeting_id}/participants/new", {"unit": "Phòng Nội vụ"})
    assert empty.status_code == 422 and "Họ và tên không được để trống" in empty.text
    assert 'value="Phòng Nội vụ"' in empty.text  # what was typed stays
    assert len(client.get("/api/v1/people").json()) == 1


def test_deleting_a_meeting_names_what_goes_and_asks_more_while_a_poll_is_open(
    client: TestClient,
) -> None:
    meeting_id = create_meeting(client, "Kỳ họp thứ 7", starts_at="2020-01-01T00:00")
    an = _person(client, "Nguyễn Văn An")
    post(client, f"/meetings/{meeting_id}/participants", {"person_id": str(an)})
    polls = f"/api/v1/meetings/{meeting_id}/polls"
    poll = client.post(polls, json={"title": "Thông qua", "quorum": "0"}, headers=BEARER).json()
    assert client.post(f"{polls}/{poll['id']}/open", headers=BEARER).status_code == 200
    page = text_of(client.get(f"/meetings/{meeting_id}/delete").text)
    assert "Xóa vĩnh viễn cuộc họp này?" in page and "Kỳ họp thứ 7" in page
    assert "1 người trong danh sách" in page and "1 nội dung biểu quyết" in page
    assert "Đang có biểu quyết mở: Thông qua" in page
    # The documents and the conclusion notice's draft go too (usertest 14, finding 12).
    assert "0 tài liệu (mọi phiên bản, tệp và lượt đọc)" in page
    assert "bản nháp thông báo kết luận và các kết luận đã ghi (nếu có)" in page
    refused = post(client, f"/meetings/{meeting_id}/delete", {})
    assert refused.status_code == 409 and "đang mở" in refused.text
    assert client.get(f"/api/v1/meetings/{meeting_id}").status_code == 200
    done = post(client, f"/meetings/{meeting_id}/delete", {"discard_open_polls": "yes"})
    assert done.status_code == 303 and done.headers["location"] == "/meetings?ok=meeting_deleted"
    listed = text_of(client.get("/meetings?ok=meeting_deleted").text)
    assert "Đã xóa cuộc họp." in listed and "Kỳ họp thứ 7" not in listed
    assert client.get(f"/meetings/{meeting_id}").status_code == 404


def test_an_absence_reason_is_typed_in_the_roster_row_and_shown_again(
    client: TestClient,
) -> None:
    meeting_id = create_meeting(client)
    binh = _person(client, "Trần Thị Bình")
    post(client, f"/meetings/{meeting_id}/participants", {"person_id": str(binh)})
    url = f"/meetings/{meeting_id}/participants/{binh}/absence-reason"
    saved = post(client, url, {"absence_reason": "Đi công tác Đà Nẵng"})
    assert saved.status_code == 303
    assert saved.headers["location"] == (
        f"/meetings/{meeting_id}?ok=absence_reason_saved#person-{binh}"
    )
    page = client.get(f"/meetings/{meeting_id}?ok=absence_reason_saved").text
    assert 'name="absence_reason" value="Đi công tác Đà Nẵng"' in page
    assert "Đã lưu lý do vắng." in text_of(page)
    rows = client.get(f"/api/v1/meetings/{meeting_id}/participants", headers=BEARER).json()
    assert rows[0]["absence_reason"] == "Đi công tác Đà Nẵng"
    too_long = post(client, url, {"absence_reason": "x" * 301})
    assert too_long.status_code == 422 and "Lý do vắng dài tối đa 300" in text_of(too_long.text)
    cleared = post(client, url, {"absence_reason": ""})
    assert cleared.status_code == 303
    rows = client.get(f"/api/v1/meetings/{meeting_id}/participants", headers=BEARER).json()
    assert rows[0]["absence_reason"] is None
    audit = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=en").text)
    assert "Absence reason noted" in audit and "Absence reason cleared" in audit
