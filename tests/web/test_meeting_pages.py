"""Meeting pages: create, edit with the same rules, manual corrections with reasons, audit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, followed, post, text_of, voting_link_on

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _person(client: TestClient, name: str, **fields: str) -> int:
    response = client.post("/api/v1/people", json={"full_name": name, **fields}, headers=BEARER)
    assert response.status_code == 201, response.text
    person_id: int = response.json()["id"]
    return person_id


def _roster(client: TestClient, meeting_id: int, ids: list[int]) -> None:
    url = f"/api/v1/meetings/{meeting_id}/participants"
    assert client.put(url, json={"person_ids": ids}, headers=BEARER).status_code == 200


def test_a_created_meeting_is_listed_with_its_local_times(client: TestClient) -> None:
    meeting_id = create_meeting(client, "Kỳ họp thứ 12 HĐND quận")
    page = text_of(client.get("/meetings").text)
    assert "Kỳ họp thứ 12 HĐND quận" in page and "02/03/2026 08:00" in page
    assert client.get(f"/meetings/{meeting_id}").status_code == 200


def test_a_meeting_that_ends_before_it_starts_is_refused_and_not_saved(
    client: TestClient,
) -> None:
    form = {"title": "Họp", "starts_at": "2026-03-02T08:00", "ends_at": "2026-03-02T07:00"}
    response = post(client, "/meetings", {**form, "late_after_minutes": "15"})
    assert response.status_code == 422
    assert "Giờ kết thúc phải sau giờ bắt đầu" in response.text
    assert 'value="Họp"' in response.text  # the form keeps what was typed
    assert client.get("/api/v1/meetings").json() == []


def test_unreadable_form_fields_get_bilingual_messages_not_errors(client: TestClient) -> None:
    form = {"title": "Họp", "starts_at": "hôm nay", "ends_at": "", "late_after_minutes": "x"}
    response = post(client, "/meetings", form)
    assert response.status_code == 422
    assert "Giờ bắt đầu không hợp lệ" in response.text and "not a valid date" in response.text
    response = post(
        client,
        "/meetings",
        {**form, "starts_at": "2026-03-02T08:00", "ends_at": "2026-03-02T09:00"},
    )
    assert "phải là số nguyên" in response.text and "whole number" in response.text


def test_editing_a_meeting_changes_it_with_the_same_rules(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    form = {
        "title": "Họp giao ban (dời)",
        "room": "Phòng 2",
        "starts_at": "2026-03-02T14:00",
        "ends_at": "2026-03-02T16:00",
        "late_after_minutes": "10",
    }
    assert post(client, f"/meetings/{meeting_id}/edit", form).status_code == 303
    meeting = client.get(f"/api/v1/meetings/{meeting_id}").json()
    assert meeting["title"] == "Họp giao ban (dời)" and meeting["late_after_minutes"] == 10
    assert meeting["starts_at"].startswith("2026-03-02T14:00")
    bad = post(client, f"/meetings/{meeting_id}/edit", {**form, "late_after_minutes": "-1"})
    assert bad.status_code == 422
    assert client.get(f"/api/v1/meetings/{meeting_id}").json()["late_after_minutes"] == 10


def test_manual_check_in_needs_a_reason_and_is_logged_with_who(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    person_id = _person(client, "Nguyễn Văn An", title="Chủ tịch")
    _roster(client, meeting_id, [person_id])
    url = f"/meetings/{meeting_id}/checkin"
    refused = post(client, url, {"person_id": str(person_id), "reason": " ", "key": "a"})
    assert refused.status_code == 422
    assert "Cần ghi lý do" in refused.text
    # The meeting (2026-03-02 08:00-11:00) is over: the secretary types when they came.
    came = {"person_id": str(person_id), "reason": "Quên thẻ", "key": "a", "at": "2026-03-02T08:05"}
    done = followed(client, post(client, url, came))
    assert done.status_code == 200 and "Đã điểm danh Nguyễn Văn An" in text_of(done.text)
    voter = client.get("/api/v1/voter", headers=voting_link_on(done))
    assert voter.status_code == 200 and voter.json()["person"]["id"] == person_id
    again = post(client, url, came)
    assert again.status_code == 303  # a double click: the same key, one check-in, one link
    assert client.get("/api/v1/voter", headers=voting_link_on(done)).status_code == 200
    out_url = f"/meetings/{meeting_id}/checkout"
    out = post(client, out_url, {"person_id": str(person_id), "reason": "Về sớm", "key": "b"})
    assert out.status_code == 303
    audit = text_of(client.get(f"/meetings/{meeting_id}/audit").text)
    # The person by name and number, the source in words (attendance/audit_view.py).
    assert f"admin (Chị Thu) Cho ra về Nguyễn Văn An #{person_id} thủ công Về sớm" in audit
    assert f"admin (Chị Thu) Điểm danh Nguyễn Văn An #{person_id} thủ công Quên thẻ" in audit
    assert audit.count("Điểm danh Nguyễn Văn An") == 1


def test_manual_check_in_keeps_to_the_meetings_window(client: TestClient) -> None:
    meeting_id = create_meeting(client)  # 2026-03-02 08:00-11:00, long over
    person_id = _person(client, "Lê Hoàng Cường")
    _roster(client, meeting_id, [person_id])
    url = f"/meetings/{meeting_id}/checkin"
    base = {"person_id": str(person_id), "reason": "Camera hỏng", "key": "w"}
    for at in ("", "2026-03-02T06:00", "2099-03-02T08:05"):
        refused = post(client, url, base | {"at": at})
        assert refused.status_code == 422, at
        page = text_of(refused.text)
        assert "ngoài giờ điểm danh" in page or "ở tương lai" in page, page
    assert "Vắng" in text_of(client.get(f"/meetings/{meeting_id}").text)
    came = followed(client, post(client, url, base | {"at": "2026-03-02T08:20"}))
    assert came.status_code == 200 and "issued-link" in came.text  # her voting link, once
    assert "Đi muộn 08:20" in text_of(client.get(f"/meetings/{meeting_id}").text)


def test_checking_out_someone_absent_is_refused_clearly(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    person_id = _person(client, "Trần Thị Bình")
    _roster(client, meeting_id, [person_id])
    response = post(
        client,
        f"/meetings/{meeting_id}/checkout",
        {"person_id": str(person_id), "reason": "Về", "key": "c"},
    )
    assert response.status_code == 403
    assert "hiện không có mặt" in response.text


def test_names_are_escaped_not_run_as_html(client: TestClient) -> None:
    meeting_id = create_meeting(client, "<script>alert(1)</script>")
    page = client.get(f"/meetings/{meeting_id}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_meeting_page_links_the_three_exports(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    page = client.get(f"/meetings/{meeting_id}").text
    for fmt in ("xlsx", "csv", "pdf"):
        assert f"/api/v1/meetings/{meeting_id}/export?format={fmt}" in page


def test_an_unknown_meeting_is_a_404_page(client: TestClient) -> None:
    response = client.get("/meetings/999")
    assert response.status_code == 404
    assert "Không có cuộc họp số 999" in response.text
    assert response.headers["content-type"].startswith("text/html")
