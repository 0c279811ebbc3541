"""Merging and deleting a person from the pages: what moves is shown before it does."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, post, text_of

from attendance.checkin import check_in
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.meetings import create_meeting as new_meeting
from attendance.meetings import set_participants
from attendance.orm import utcnow
from attendance.voting.ballots import cast_ballot
from attendance.voting.polls import PollSpec, create_poll, open_poll

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _person(client: TestClient, name: str, **fields: str) -> int:
    response = client.post("/api/v1/people", json={"full_name": name, **fields}, headers=BEARER)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_the_person_page_offers_merge_and_delete(client: TestClient) -> None:
    person = _person(client, "Nguyễn Văn An")
    page = text_of(client.get(f"/people/{person}").text)
    assert "Gộp vào người khác" in page and "Xóa người này" in page
    english = text_of(client.get(f"/people/{person}", params={"lang": "en"}).text)
    assert "Merge into another person" in english and "Delete this person" in english


def test_merging_shows_what_moves_then_moves_it(client: TestClient) -> None:
    real = _person(client, "Nguyễn Văn An")
    dup = _person(client, "Nguyễn Văn An", code="DB-1", title="Giám đốc Sở", unit="Sở GD&ĐT")
    _person(client, "Trần Thị Bình")
    meeting = create_meeting(client)
    assert "Sẽ chuyển sang" not in client.get(f"/people/{dup}/merge").text  # nobody chosen yet
    roster = {"person_ids": [dup]}
    assert client.put(f"/api/v1/meetings/{meeting}/participants", json=roster, headers=BEARER)
    search = client.get(f"/people/{dup}/merge")  # the person's own name is searched first
    found = re.findall(r"merge\?q=[^&]*&amp;into_id=(\d+)", search.text)
    assert found == [str(real)]  # the namesake, not the person themselves nor Bình
    plan = html.unescape(text_of(client.get(f"/people/{dup}/merge", params={"into_id": real}).text))
    assert f"Sẽ chuyển sang #{real} Nguyễn Văn An: 1 cuộc họp có tên trong danh sách" in plan
    assert "Mã đại biểu giữ lại: DB-1" in plan
    assert "Chức vụ: — → Giám đốc Sở" in plan and "Đơn vị: — → Sở GD&ĐT" in plan
    response = post(client, f"/people/{dup}/merge", {"into_id": str(real)})
    assert response.headers["location"] == f"/people/{real}?ok=merged"
    assert "Đã gộp." in client.get(response.headers["location"]).text
    kept = client.get(f"/api/v1/people/{real}", headers=BEARER).json()
    assert (kept["code"], kept["title"], kept["unit"]) == ("DB-1", "Giám đốc Sở", "Sở GD&ĐT")
    assert client.get(f"/people/{dup}").status_code == 404


def test_a_merge_that_would_break_a_rule_is_explained_and_not_offered(
    client: TestClient, database_url: str
) -> None:
    first = _person(client, "Võ Văn Em")
    second = _person(client, "Võ Văn Em")
    _both_vote(database_url, [first, second])
    page = client.get(f"/people/{second}/merge", params={"into_id": first})
    assert "Không thể gộp" in text_of(page.text) and "Both people voted" in page.text
    assert f'method="post" action="/people/{second}/merge"' not in page.text
    refused = post(client, f"/people/{second}/merge", {"into_id": str(first)})
    assert refused.status_code == 409 and "Both people voted" in refused.text
    itself = client.get(f"/people/{first}/merge", params={"into_id": first})
    assert itself.status_code == 422 and "merged into themselves" in itself.text


def test_a_duplicate_is_deleted_after_one_confirmation(client: TestClient) -> None:
    dup = _person(client, "Nguyễn Văn An")
    page = text_of(client.get(f"/people/{dup}/delete").text)
    assert "Xóa Nguyễn Văn An" in page and "Không có dữ liệu gì khác." in page
    response = post(client, f"/people/{dup}/delete", {})
    assert response.headers["location"] == "/people?ok=deleted"
    assert "Đã xóa người này." in client.get("/people?ok=deleted").text
    assert client.get(f"/api/v1/people/{dup}", headers=BEARER).status_code == 404


def test_someone_who_came_needs_the_second_yes(client: TestClient) -> None:
    person = _person(client, "Trần Thị Bình")
    meeting = create_meeting(client)
    roster = {"person_ids": [person]}
    client.put(f"/api/v1/meetings/{meeting}/participants", json=roster, headers=BEARER)
    came = {"person_id": str(person), "reason": "Đến muộn", "key": "k1", "at": "2026-03-02T08:05"}
    assert post(client, f"/meetings/{meeting}/checkin", came).status_code == 303
    page = client.get(f"/people/{person}/delete")
    assert "1 lần điểm danh / ra về" in text_of(page.text)
    assert 'name="force" value="true" required' in page.text
    refused = post(client, f"/people/{person}/delete", {})
    assert refused.status_code == 409 and "force=true" in refused.text
    assert post(client, f"/people/{person}/delete", {"force": "true"}).is_redirect
    assert client.get(f"/api/v1/people/{person}", headers=BEARER).status_code == 404


def _both_vote(database_url: str, people: list[int]) -> None:
    engine = make_engine(database_url)
    start = utcnow() - timedelta(hours=1)
    with unit_of_work(make_session_factory(engine)) as session:
        meeting = new_meeting(
            session, title="Kỳ họp", starts_at=start, ends_at=start + timedelta(hours=4)
        ).id
        set_participants(session, meeting_id=meeting, person_ids=people)
        for person in people:
            check_in(
                session,
                meeting_id=meeting,
                person_id=person,
                source="k",
                idempotency_key=f"k{person}",
                at=start,
            )
        spec = PollSpec(title="Nghị quyết", secrecy="named", base="cast")
        poll = create_poll(session, meeting_id=meeting, spec=spec, actor="thư ký")
        open_poll(session, meeting_id=meeting, poll_id=poll.id, actor="thư ký")
        for person in people:
            cast_ballot(
                session,
                meeting_id=meeting,
                poll_id=poll.id,
                voter_id=person,
                option_ids=[poll.options[0].id],
                channel="link",
            )
    engine.dispose()
