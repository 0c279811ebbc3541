"""The audit log's gaps: roster imports, who issued a voting link at check-in, the names of
people deleted later, and the whole log (/audit, GET /api/v1/audit) with what has no meeting."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sql_support import execute
from web_support import ADMIN_TOKEN, ORIGIN, create_meeting, followed, post, text_of, xlsx

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SHEET = [
    ["STT", "Họ và tên", "Chức vụ", "Đơn vị"],
    [1, "Nguyễn Văn An", "Chủ tịch", "UBND Quận 1"],
    [2, "Trần Thị Bình", "Phó Chủ tịch", "UBND Quận 1"],
    [3, "", "Chánh Văn phòng", "UBND Quận 1"],
]


def _log(client: TestClient, meeting_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/meetings/{meeting_id}/audit", headers=BEARER)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


def _import(client: TestClient, meeting_id: int, name: str, mode: str) -> None:
    preview = client.post(
        f"/meetings/{meeting_id}/roster/preview",
        files={"file": (name, xlsx(SHEET))},
        headers={"Origin": ORIGIN},
    )
    assert preview.status_code == 200, text_of(preview.text)
    fields = {
        field: html.unescape(re.search(rf'name="{field}" value="([^"]*)"', preview.text)[1])  # type: ignore[index]
        for field in ("rows", "file_name")
    }
    done = post(client, f"/meetings/{meeting_id}/roster/confirm", {**fields, "mode": mode})
    assert done.status_code == 303, text_of(done.text)


def _person(client: TestClient, name: str) -> int:
    response = client.post("/api/v1/people", json={"full_name": name}, headers=BEARER)
    assert response.status_code == 201, response.text
    person_id: int = response.json()["id"]
    return person_id


def test_a_roster_import_is_logged_with_its_file_mode_and_counts(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    _import(client, meeting_id, "danh-sách kỳ họp.xlsx", "replace")
    _import(client, meeting_id, "bổ sung.xlsx", "add")
    imports = [e for e in _log(client, meeting_id) if e["action"] == "roster_imported"]
    assert [e["detail"]["mode"] for e in imports] == ["add", "replace"]  # newest first
    first = imports[1]
    assert first["actor"] == "admin (Chị Thu)"
    assert first["detail"]["file_name"] == "danh-sách kỳ họp.xlsx"
    counts = {k: first["detail"][k] for k in ("created", "matched", "skipped", "roster")}
    assert counts == {"created": 2, "matched": 0, "skipped": 1, "roster": 2}
    assert imports[0]["detail"]["matched"] == 2 and imports[0]["detail"]["created"] == 0
    page = text_of(client.get(f"/meetings/{meeting_id}/audit").text)
    assert (
        "Nhập danh sách từ tệp Thay cả danh sách từ tệp danh-sách kỳ họp.xlsx: 2 người mới, "
        "0 người đã có (0 được cập nhật), 0 bỏ khỏi danh sách, 0 giữ lại vì đã điểm danh, "
        "1 dòng bỏ qua; danh sách có 2 người."
    ) in page
    english = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=en").text)
    assert "Roster imported Added to the roster from the file bổ sung.xlsx" in english


def test_a_voting_link_issued_at_check_in_names_the_staff_member(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    person_id = _person(client, "Tạ Quang Huy")
    client.put(
        f"/api/v1/meetings/{meeting_id}/participants",
        json={"person_ids": [person_id]},
        headers=BEARER,
    )
    form = {"person_id": str(person_id), "reason": "Quên ảnh", "at": "2026-03-02T08:05"}
    page = followed(client, post(client, f"/meetings/{meeting_id}/checkin", form))
    assert page.status_code == 200 and "/vote#vp_" in page.text  # the link, shown once
    [issued] = [e for e in _log(client, meeting_id) if e["action"] == "voting_pass_issued"]
    assert issued["actor"] == "admin (Chị Thu)" != "check-in"
    assert issued["detail"]["on_arrival"] is True
    assert issued["source_text"] == "thủ công / manual"
    audit_page = text_of(client.get(f"/meetings/{meeting_id}/audit").text)
    assert "admin (Chị Thu) Cấp liên kết bỏ phiếu Tạ Quang Huy" in audit_page
    assert "khi điểm danh thủ công" in audit_page


def test_a_json_check_in_by_api_names_the_token(client: TestClient) -> None:
    meeting_id = create_meeting(client)
    person_id = _person(client, "Vũ Văn Giang")
    client.put(
        f"/api/v1/meetings/{meeting_id}/participants",
        json={"person_ids": [person_id]},
        headers=BEARER,
    )
    body = {
        "person_id": person_id,
        "source": "kiosk-cua-a",
        "idempotency_key": "k-1",
        "at": "2026-03-02T08:01:00+07:00",
    }
    response = client.post(f"/api/v1/meetings/{meeting_id}/checkins", json=body, headers=BEARER)
    assert response.status_code == 201, response.text
    [issued] = [e for e in _log(client, meeting_id) if e["action"] == "voting_pass_issued"]
    assert issued["actor"] == "admin" and issued["actor_text"] == "admin"


def test_an_old_entry_by_check_in_is_explained_in_words(
    client: TestClient, database_url: str
) -> None:
    meeting_id = create_meeting(client)
    person_id = _person(client, "Lê Văn Cường")
    client.put(
        f"/api/v1/meetings/{meeting_id}/participants",
        json={"person_ids": [person_id]},
        headers=BEARER,
    )
    client.post(
        f"/api/v1/meetings/{meeting_id}/voting-passes",
        json={"person_id": person_id},
        headers=BEARER,
    )
    # As the log was written before this was fixed.
    execute(
        database_url, "UPDATE audit_log SET actor = 'check-in' WHERE action = 'voting_pass_issued'"
    )
    [issued] = [e for e in _log(client, meeting_id) if e["action"] == "voting_pass_issued"]
    assert issued["actor_text"].startswith("hệ thống, khi điểm danh")
    page = text_of(client.get(f"/meetings/{meeting_id}/audit?lang=en").text)
    assert "the system, at check-in" in page


def test_a_person_deleted_later_keeps_their_name(client: TestClient, database_url: str) -> None:
    meeting_id = create_meeting(client)
    gone = _person(client, "Phan Văn Tài")
    kept_by_name_only = _person(client, "Hồ Thị Lan")
    for person_id in (gone, kept_by_name_only):
        url = f"/api/v1/meetings/{meeting_id}/participants/{person_id}"
        assert client.post(url, headers=BEARER).status_code == 201
        assert client.delete(url, headers=BEARER).status_code in (200, 204)
    execute(  # an entry written before names were kept with it
        database_url,
        "UPDATE audit_log SET detail = :detail WHERE subject = :subject"
        " AND action = 'participant_added'",
        detail=json.dumps({"voting_rights": True}),
        subject=f"person:{kept_by_name_only}",
    )
    for person_id in (gone, kept_by_name_only):
        response = client.delete(f"/api/v1/people/{person_id}", headers=BEARER)
        assert response.status_code == 200, response.text
    log = _log(client, meeting_id)
    about = {(e["action"], e["person"]["id"]): e["person"] for e in log}
    assert about[("participant_removed", gone)] == {
        "id": gone,
        "name": "Phan Văn Tài",
        "gone": True,
    }
    # Named from the deletion's own entry, though the entry itself kept no name.
    assert about[("participant_added", kept_by_name_only)]["name"] == "Hồ Thị Lan"
    page = text_of(client.get(f"/meetings/{meeting_id}/audit").text)
    assert f"Phan Văn Tài (đã xóa) #{gone}" in page and "Hồ Thị Lan (đã xóa)" in page


def test_the_whole_log_pages_filters_and_reaches_what_has_no_meeting(client: TestClient) -> None:
    # The fixture's sign-in is logged already (and an admin token's sign-in is one entry).
    signed_in = client.get("/api/v1/audit", headers=BEARER).json()
    assert [e["action"] for e in signed_in["items"]] == ["sign_in"]
    person_id = _person(client, "Đinh Văn Xóa")
    meeting_id = create_meeting(client, "Họp sẽ bị xóa")
    url = f"/api/v1/meetings/{meeting_id}/participants/{person_id}"
    assert client.post(url, headers=BEARER).status_code == 201
    assert client.delete(url, headers=BEARER).status_code in (200, 204)
    assert client.delete(f"/api/v1/meetings/{meeting_id}", headers=BEARER).status_code == 200
    assert client.delete(f"/api/v1/people/{person_id}", headers=BEARER).status_code == 200
    assert client.get(f"/meetings/{meeting_id}/audit").status_code == 404  # the meeting's page

    every = client.get("/api/v1/audit", headers=BEARER).json()
    actions = [e["action"] for e in every["items"]]
    assert actions == [
        "person_deleted",
        "meeting_deleted",
        "participant_removed",
        "participant_added",
        "sign_in",
    ]  # newest first
    assert every["total"] == 5 and every["has_more"] is False
    ids = [e["id"] for e in every["items"]]
    first = client.get("/api/v1/audit?per_page=3", headers=BEARER).json()
    second = client.get("/api/v1/audit?per_page=3&page=2", headers=BEARER).json()
    assert [e["id"] for e in first["items"] + second["items"]] == ids
    assert first["has_more"] is True and second["has_more"] is False
    [deleted] = client.get("/api/v1/audit?action=person_deleted", headers=BEARER).json()["items"]
    assert deleted["meeting"] is None and deleted["person"]["name"] == "Đinh Văn Xóa"
    of_meeting = client.get(f"/api/v1/audit?meeting_id={meeting_id}", headers=BEARER).json()
    assert {e["action"] for e in of_meeting["items"]} == {
        "meeting_deleted",
        "participant_removed",
        "participant_added",
    }
    assert of_meeting["items"][0]["meeting"] == {
        "id": meeting_id,
        "name": "Họp sẽ bị xóa",
        "gone": True,
    }
    bad = client.get("/api/v1/audit?page=0", headers=BEARER)
    assert bad.status_code == 422 and {"reason", "detail"} <= set(bad.json())

    nav = client.get("/meetings").text
    assert 'href="/audit"' in nav
    page = text_of(client.get("/audit").text)
    assert "Xóa người Đinh Văn Xóa (đã xóa)" in page
    assert f"Họp sẽ bị xóa (đã xóa) #{meeting_id}" in page
    assert f'href="/audit?meeting_id={meeting_id}"' in client.get("/audit").text
    only = text_of(client.get("/audit?action=person_deleted").text)
    assert "Xóa người" in only and "Thêm vào danh sách Đinh" not in only
    paged = client.get(f"/audit?meeting_id={meeting_id}&page=1").text
    assert text_of(paged).count("(đã xóa)") >= 3
    assert client.get("/audit?page=abc").status_code == 422
