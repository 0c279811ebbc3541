"""The conclusion notice page: the draft saved and shown again, a conclusion per agenda item,
the opinions grouped by stance and counted, and who may save."""

from __future__ import annotations

import html
import io
import re
from typing import Any

import docx
import httpx
from fastapi.testclient import TestClient
from notice_page_support import BUDGET, MEMBERS, STREETS, Discussed, meeting_with_discussion
from sql_support import fetch
from test_account_pages import make_account, sign_in_as
from web_support import ADMIN_TOKEN, ORIGIN, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _save(client: TestClient, meeting: Discussed, **fields: Any) -> httpx.Response:
    form: dict[str, Any] = {
        "parent_body": "UBND THÀNH PHỐ HÀ NỘI",
        "issuing_body": "ỦY BAN NHÂN DÂN QUẬN LONG BIÊN",
        "number": "125/TB-UBND",
        "place": "Long Biên",
        "issued_on": "2026-12-08",
        "chair_person_id": str(meeting.people[0]),
        "chair": "đồng chí Nguyễn Văn An, Chủ tịch UBND quận",
        "subject": "",
        "opening": "Ngày 07/12/2026, UBND quận tổ chức họp.",
        "closing": "Giao Văn phòng theo dõi.",
        "recipients": "Thường trực Quận ủy;\nLưu: VT.",
        "signer_title": "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG",
        "signer_name": "Trần Văn Ký",
        "conclusion_item": [str(meeting.budget), str(meeting.streets)],
        "conclusion": ["Thống nhất thông qua dự toán.", ""],
        **fields,
    }
    url = f"/meetings/{meeting.meeting_id}/conclusions"
    return client.post(url, data=form, headers={"Origin": ORIGIN}, follow_redirects=False)


def _item(page: str, item_id: int) -> str:
    """One agenda item's block of the page, as text."""
    start = f'<article class="notice-item" id="item-{item_id}">'
    match = re.search(rf"{start}(.*?)</article>", page, re.S)
    assert match, f"item {item_id} not on the page"
    return text_of(match.group(1)).replace(" :", ":")  # "<b>An</b>: ..." reads "An : ..."


def _value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert match, name
    return html.unescape(match.group(1))


def _textarea(page: str, id_or_name: str) -> str:
    match = re.search(
        rf'<textarea name="[^"]*"[^>]*(?:id|name)="{id_or_name}"[^>]*>(.*?)</textarea>', page, re.S
    )
    if not match:
        match = re.search(rf'<textarea name="{id_or_name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, id_or_name
    return html.unescape(match.group(1))


def test_the_opinions_of_each_item_are_grouped_by_stance_and_counted(client: TestClient) -> None:
    meeting = meeting_with_discussion(client, BEARER)
    page = client.get(f"/meetings/{meeting.meeting_id}/conclusions")
    assert page.status_code == 200, page.text
    budget = _item(page.text, meeting.budget)
    assert BUDGET in budget and "Ý kiến (3)" in budget
    assert "Đồng ý: 1" in budget and "Không đồng ý: 1" in budget and "Ý kiến khác: 1" in budget
    assert f"{MEMBERS[0]}: Nhất trí với dự toán." in budget
    assert f"{MEMBERS[1]}: Chưa đủ căn cứ chi." in budget
    assert f"{MEMBERS[2]}: Đề nghị làm rõ nguồn vốn." in budget  # no stance said: other
    # Each text under its own stance, not just somewhere on the page.
    agree = re.search(
        r'class="stance stance-agree">(.*?)</div>',
        page.text.split(f'id="item-{meeting.budget}"')[1],
        re.S,
    )
    assert agree and "Nhất trí" in agree.group(1) and "Chưa đủ" not in agree.group(1)
    # The poll's counts and its rule: 2 of 4 members is not more than half.
    assert "Thông qua dự toán: Đồng ý: 2 · Không đồng ý: 1" in budget
    assert "Không thông qua" in budget and "trên 4" in budget
    assert "Nguyên tắc: quá nửa, tính trên tổng số đại biểu" in budget
    streets = _item(page.text, meeting.streets)
    assert STREETS in streets and "Ý kiến (1)" in streets
    assert "Đồng ý: 1" in streets and "Không đồng ý: 0" in streets
    assert "Không ghi tên: Cần thêm cây xanh." in streets  # a secret poll's: no author
    assert MEMBERS[0] not in streets
    english = client.get(f"/meetings/{meeting.meeting_id}/conclusions?lang=en").text
    assert "Agree: 1" in _item(english, meeting.budget)
    assert "Object: 1" in _item(english, meeting.budget)


def test_the_draft_is_saved_and_shown_again_after_a_reload(
    client: TestClient, database_url: str
) -> None:
    meeting = meeting_with_discussion(client, BEARER)
    saved = _save(client, meeting)
    assert saved.status_code == 303, text_of(saved.text)
    assert (
        saved.headers["location"] == f"/meetings/{meeting.meeting_id}/conclusions?ok=notice_saved"
    )
    page = client.get(saved.headers["location"]).text
    assert "Đã lưu bản nháp thông báo kết luận." in text_of(page)
    assert _value(page, "issuing_body") == "ỦY BAN NHÂN DÂN QUẬN LONG BIÊN"
    assert _value(page, "number") == "125/TB-UBND"
    assert _value(page, "issued_on") == "2026-12-08"
    assert _value(page, "chair") == "đồng chí Nguyễn Văn An, Chủ tịch UBND quận"
    assert f'<option value="{meeting.people[0]}" selected>' in page
    assert _textarea(page, f"conclusion-{meeting.budget}") == "Thống nhất thông qua dự toán."
    assert _textarea(page, f"conclusion-{meeting.streets}") == ""
    assert _textarea(page, "recipients") == "Thường trực Quận ủy;\nLưu: VT."
    stored = fetch(
        database_url,
        "SELECT agenda_item_id, text FROM agenda_conclusions WHERE meeting_id = :m",
        m=meeting.meeting_id,
    )
    assert [tuple(r) for r in stored] == [(meeting.budget, "Thống nhất thông qua dự toán.")]
    # A second save: the streets conclusion typed, the budget's emptied (removed), a field cleared.
    again = _save(
        client,
        meeting,
        number="",
        conclusion=["", "Giao phòng Quản lý đô thị khảo sát."],
    )
    assert again.status_code == 303
    page = client.get(f"/meetings/{meeting.meeting_id}/conclusions").text
    assert _value(page, "number") == ""
    assert _textarea(page, f"conclusion-{meeting.budget}") == ""
    assert _textarea(page, f"conclusion-{meeting.streets}") == "Giao phòng Quản lý đô thị khảo sát."
    audit = text_of(client.get(f"/meetings/{meeting.meeting_id}/audit?lang=en").text)
    assert "Notice draft saved" in audit


def test_the_pages_word_link_gives_the_notice_with_the_saved_conclusion(
    client: TestClient,
) -> None:
    meeting = meeting_with_discussion(client, BEARER)
    assert _save(client, meeting).status_code == 303
    page = client.get(f"/meetings/{meeting.meeting_id}/conclusions").text
    link = re.search(r'id="notice-docx" href="([^"]+)"', page)
    assert link and link.group(1).endswith("format=docx")
    assert 'id="notice-pdf"' in page
    # The signed-in page's cookie is enough, as for the minutes' exports.
    word = client.get(html.unescape(link.group(1)))
    assert word.status_code == 200, word.text
    document = docx.Document(io.BytesIO(word.content))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Thống nhất thông qua dự toán." in text and "125/TB-UBND" in text


def test_a_refused_save_changes_nothing_and_keeps_what_was_typed(
    client: TestClient, database_url: str
) -> None:
    meeting = meeting_with_discussion(client, BEARER)
    assert _save(client, meeting).status_code == 303
    bad_date = _save(client, meeting, issued_on="2026-13-40", number="126/TB-UBND")
    assert bad_date.status_code == 422
    said = text_of(bad_date.text)
    assert "Ngày ban hành không hợp lệ" in said and "not a valid date" in said
    assert _value(bad_date.text, "number") == "126/TB-UBND"  # what was typed stays on screen
    long = _save(client, meeting, number="x" * 61)
    assert long.status_code == 422 and "Số văn bản quá dài" in text_of(long.text)
    stranger = _save(client, meeting, chair_person_id="999999")
    assert stranger.status_code == 422 and "không có trong danh sách" in text_of(stranger.text)
    other_item = _save(client, meeting, conclusion_item=["999999"], conclusion=["Sai mục."])
    assert other_item.status_code == 422
    page = client.get(f"/meetings/{meeting.meeting_id}/conclusions").text
    assert _value(page, "number") == "125/TB-UBND" and _value(page, "issued_on") == "2026-12-08"
    count = fetch(database_url, "SELECT count(*) FROM agenda_conclusions")
    assert count[0][0] == 1


def test_a_viewer_reads_the_page_but_cannot_save(client: TestClient) -> None:
    meeting = meeting_with_discussion(client, BEARER)
    assert _save(client, meeting).status_code == 303
    viewer = make_account(client, "xem.kl", role="viewer")
    staff = {"account_ids": [viewer]}
    assigned = client.put(
        f"/api/v1/meetings/{meeting.meeting_id}/staff", json=staff, headers=BEARER
    )
    assert assigned.status_code == 200, assigned.text
    client.cookies.clear()
    sign_in_as(client, "xem.kl")
    page = client.get(f"/meetings/{meeting.meeting_id}/conclusions")
    assert page.status_code == 200
    assert 'id="save-notice"' not in page.text and "chỉ có quyền xem" in text_of(page.text)
    assert _textarea(page.text, f"conclusion-{meeting.budget}") == "Thống nhất thông qua dự toán."
    assert "Đồng ý: 1" in _item(page.text, meeting.budget)
    refused = _save(client, meeting, number="999/TB-UBND")
    assert refused.status_code == 403
    client.cookies.clear()
    sign_in_as(client, "xem.kl")
    assert _value(client.get(f"/meetings/{meeting.meeting_id}/conclusions").text, "number") == (
        "125/TB-UBND"
    )


def test_the_meeting_page_links_to_the_conclusions(client: TestClient) -> None:
    meeting = meeting_with_discussion(client, BEARER)
    page = client.get(f"/meetings/{meeting.meeting_id}").text
    assert f'href="/meetings/{meeting.meeting_id}/conclusions"' in page
    assert client.get("/meetings/999999/conclusions").status_code == 404


def test_a_meeting_without_an_agenda_still_saves_its_draft(client: TestClient) -> None:
    created = client.post(
        "/api/v1/meetings",
        json={
            "title": "Họp giao ban",
            "starts_at": "2026-03-02T08:00:00+07:00",
            "ends_at": "2026-03-02T11:00:00+07:00",
        },
        headers=BEARER,
    )
    meeting_id = created.json()["id"]
    page = client.get(f"/meetings/{meeting_id}/conclusions")
    assert "Cuộc họp chưa có nội dung chương trình nào." in text_of(page.text)
    form = {"number": "7/TB-UBND", "closing": "Giao Văn phòng theo dõi."}
    saved = client.post(
        f"/meetings/{meeting_id}/conclusions",
        data=form,
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert saved.status_code == 303, text_of(saved.text)
    again = client.get(f"/meetings/{meeting_id}/conclusions").text
    assert _value(again, "number") == "7/TB-UBND"
    assert _textarea(again, "closing") == "Giao Văn phòng theo dõi."
