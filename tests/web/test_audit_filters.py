"""The whole audit log filtered by meeting, person, actor and action (API and page), by name;
and the chain's check on the page and over the API, which a tampered row fails."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient
from sql_support import execute
from web_support import ADMIN_TOKEN, create_meeting, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _today(hour: int, minute: int = 0) -> str:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime(f"%Y-%m-%dT{hour:02d}:{minute:02d}")


def _two_meetings(client: TestClient) -> tuple[list[int], list[int]]:
    """Two meetings; An arrives by kiosk at the first, Bình by hand at both."""
    meetings = [
        create_meeting(client, title=title, starts_at=_today(0), ends_at=_today(23, 59))
        for title in ("Họp giao ban", "Họp chi bộ")
    ]
    people = [
        client.post("/api/v1/people", json={"full_name": n}, headers=BEARER).json()["id"]
        for n in ("Nguyễn Văn An", "Trần Thị Bình")
    ]
    for meeting_id in meetings:
        api = f"/api/v1/meetings/{meeting_id}"
        client.put(f"{api}/participants", json={"person_ids": people}, headers=BEARER)
        by_hand = {
            "person_id": people[1],
            "source": "manual",
            "idempotency_key": f"m{meeting_id}",
            "note": "Quên thẻ",
        }
        assert client.post(f"{api}/checkins", json=by_hand, headers=BEARER).status_code == 201
    kiosk = {"person_id": people[0], "source": "kiosk:cua-A", "idempotency_key": "k1"}
    arrived = client.post(f"/api/v1/meetings/{meetings[0]}/checkins", json=kiosk, headers=BEARER)
    assert arrived.status_code == 201
    return meetings, people


def _items(client: TestClient, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/audit", params=query, headers=BEARER)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_the_api_filters_by_meeting_person_actor_and_action(client: TestClient) -> None:
    meetings, (an, binh) = _two_meetings(client)
    about_an = _items(client, person_id=an)
    assert about_an and {e["person"]["name"] for e in about_an} == {"Nguyễn Văn An"}
    assert {e["action"] for e in about_an} == {"check_in", "voting_pass_issued"}
    check_ins = _items(client, action="check_in", person_id=binh)
    assert [e["meeting"]["name"] for e in check_ins] == ["Họp chi bộ", "Họp giao ban"]
    assert all(e["source_text"] == "thủ công / manual" and e["seq"] for e in check_ins)
    one = _items(client, action="check_in", meeting_id=meetings[0])
    assert {e["person"]["name"] for e in one} == {"Nguyễn Văn An", "Trần Thị Bình"}
    kiosk = next(e for e in one if e["person"]["id"] == an)
    assert kiosk["source_text"] == "máy điểm danh cua-A / kiosk cua-A"
    assert kiosk["detail"]["source"] == "kiosk:cua-A"
    actor = check_ins[0]["actor"]
    assert {e["actor"] for e in _items(client, actor=actor)} == {actor}
    assert _items(client, actor="nobody at all") == []
    refused = client.get("/api/v1/audit", params={"person_id": 0}, headers=BEARER)
    assert refused.status_code == 422


def test_the_page_filters_by_person_and_actor_and_names_them(client: TestClient) -> None:
    _, (an, binh) = _two_meetings(client)
    page = text_of(client.get(f"/audit?person_id={binh}&lang=vi").text)
    assert "Chỉ các thao tác về Trần Thị Bình" in page
    assert f"Điểm danh Trần Thị Bình #{binh} thủ công Quên thẻ" in page
    assert "Nguyễn Văn An" not in page
    html = client.get("/audit?lang=en").text
    assert f'href="/audit?person_id={an}"' in html  # every person's number opens their log
    assert "admin (Chị Thu)" in text_of(html)  # the actor filter offers names
    english = text_of(client.get(f"/audit?person_id={binh}&lang=en").text)
    assert "Only the entries about Trần Thị Bình or by them." in english


def test_the_chain_check_on_the_page_and_the_api_names_a_tampered_entry(
    client: TestClient, database_url: str
) -> None:
    _two_meetings(client)
    intact = client.get("/api/v1/audit/verify", headers=BEARER).json()
    assert intact["intact"] is True and intact["entries"] >= 4
    assert intact["head"]["seq"] == intact["entries"] and len(intact["head"]["hash"]) == 64
    page = text_of(client.get("/audit/verify?lang=vi").text)
    assert f"Chuỗi nguyên vẹn: {intact['entries']} mục." in page
    execute(database_url, "UPDATE audit_log SET actor = 'Người khác' WHERE seq = 2")
    broken = client.get("/api/v1/audit/verify", headers=BEARER).json()
    assert broken["intact"] is False
    assert broken["problem"]["kind"] == "changed" and broken["problem"]["seq"] == 2
    english = text_of(client.get("/audit/verify?lang=en").text)
    assert "The chain is broken:" in english and "Entry seq 2" in english


def test_the_page_filters_by_a_meeting_chosen_from_a_list_newest_first(
    client: TestClient,
) -> None:
    meetings, _ = _two_meetings(client)
    old = create_meeting(client, title="Họp cũ đã xóa", starts_at="2020-01-02T08:00")
    assert client.delete(f"/api/v1/meetings/{old}", headers=BEARER).status_code in (200, 204)
    html = client.get("/audit?lang=vi").text
    select = html.split('name="meeting_id"')[1].split("</select>")[0]
    titles = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)
    assert [int(i) for i, _ in titles] == [meetings[1], meetings[0], old]
    assert titles[2][1].startswith("Họp cũ đã xóa (")  # deleted, by the title it kept
    chosen = client.get(f"/audit?meeting_id={meetings[1]}&lang=en").text
    assert f'<option value="{meetings[1]}" selected>' in chosen
    assert "Họp giao ban" not in text_of(chosen.split("<table")[1])


def test_the_page_filters_by_a_typed_name_without_diacritics(client: TestClient) -> None:
    _, (an, binh) = _two_meetings(client)
    page = client.get("/audit?person=nguyen+van+an&lang=vi").text
    table = text_of(page.split("<table")[1])
    assert "Nguyễn Văn An" in table and "Trần Thị Bình" not in table
    matches = text_of(page.split('id="audit-person-matches"')[1].split("</p>")[0])
    assert "những người có tên khớp với “nguyen van an”" in matches
    assert f"Nguyễn Văn An #{an}" in matches
    assert 'value="nguyen van an"' in page  # the name stays in the box
    both = text_of(client.get("/audit?person=thi+binh&lang=en").text)
    assert f"Trần Thị Bình #{binh}" in both and "whose names match “thi binh”" in both
    nobody = unescape(text_of(client.get("/audit?person=khong+ai&lang=en").text))
    assert "Nobody's name matches “khong ai”." in nobody and "Page 1 of 1 (0)" in nobody


def test_the_actor_list_is_sorted_as_it_reads(client: TestClient) -> None:
    _two_meetings(client)
    password = "mật khẩu dài đủ 10"
    for username, name in (("hung.dv", "Đào Văn Hùng"), ("an.b", "Bùi An")):
        body = {"username": username, "display_name": name, "role": "secretary"}
        made = client.post("/api/v1/accounts", json={**body, "password": password}, headers=BEARER)
        assert made.status_code == 201, made.text
        basic = httpx.BasicAuth(username, password)  # its token's entry: by the account
        assert client.post("/api/v1/tokens", auth=basic, json={"name": "x"}).status_code == 201
    html = client.get("/audit?lang=en").text
    select = html.split('name="actor"')[1].split("</select>")[0]
    shown = [text_of(o) for o in re.findall(r'<option value="[^"]+"[^>]*>([^<]*)</option>', select)]
    assert shown == ["admin", "admin (Chị Thu)", "Bùi An (an.b)", "Đào Văn Hùng (hung.dv)"]


def test_the_api_filters_by_a_typed_name_and_names_the_account(client: TestClient) -> None:
    _, (an, _binh) = _two_meetings(client)
    about_an = _items(client, person="NGUYEN van an")
    assert about_an and {e["person"]["id"] for e in about_an} == {an}
    assert _items(client, person="khong ai") == []
    body = {"username": "tam.nv", "display_name": "Nguyễn Văn Tâm", "role": "teacher"}
    made = client.post(
        "/api/v1/accounts", json={**body, "password": "mật khẩu dài đủ 10"}, headers=BEARER
    )
    created = _items(client, action="account_created")[0]
    assert created["account"] == {
        "id": made.json()["id"],
        "name": "Nguyễn Văn Tâm (tam.nv)",
        "gone": False,
    }


def test_the_form_s_blank_choices_mean_no_filter(client: TestClient) -> None:
    _two_meetings(client)
    page = client.get("/audit?action=check_in&actor=&meeting_id=&person=&lang=vi")
    assert page.status_code == 200, page.text
    assert "Điểm danh" in text_of(page.text.split("<table")[1])
    for wrong in ("0", "abc", "99999999999"):
        refused = client.get(f"/audit?meeting_id={wrong}&lang=en")
        assert refused.status_code in (400, 422), (wrong, refused.status_code)


def test_the_command_line_actors_read_as_words_in_both_languages() -> None:
    from api.cli_admin import CLI_ACTOR
    from attendance.audit_view import actor_text

    assert actor_text(CLI_ACTOR) == (
        "dòng lệnh (attendance admin)",
        "the command line (attendance admin)",
    )
    assert actor_text("cli")[0].startswith("dòng lệnh")
