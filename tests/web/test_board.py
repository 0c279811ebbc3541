"""The live board: the page, and an event whenever the database says something changed."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import datetime, timezone

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from web_support import ADMIN_TOKEN, create_meeting, post, sign_in, text_of

from api.web.live import board_events
from attendance.board import board_snapshot, board_version
from attendance.checkin import check_in
from attendance.db import make_engine, make_session_factory
from attendance.meetings import create_meeting as new_meeting
from attendance.meetings import set_participants, update_meeting
from attendance.people import create_person, update_person
from attendance.presence import check_out

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_the_board_shows_counts_and_the_latest_arrival(client: TestClient) -> None:
    meeting_id = create_meeting(client, "Kỳ họp HĐND")
    ids = []
    for name, title in (("Nguyễn Văn An", "Chủ tịch"), ("Trần Thị Bình", None)):
        body = {"full_name": name, "title": title}
        ids.append(client.post("/api/v1/people", json=body, headers=BEARER).json()["id"])
    client.put(
        f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": ids}, headers=BEARER
    )
    checkin = {
        "person_id": ids[0],
        "source": "kiosk",
        "idempotency_key": "k1",
        "at": "2026-03-02T08:20:00+07:00",
    }
    url = f"/api/v1/meetings/{meeting_id}/checkins"
    assert client.post(url, json=checkin, headers=BEARER).status_code == 201
    page = text_of(client.get(f"/board/{meeting_id}").text)
    assert "2 Dự kiến 1 Đang có mặt (kể cả muộn) 1 Đi muộn (đang có mặt) 1 Vắng 0 Đã ra về" in page
    assert "08:20 Nguyễn Văn An Chủ tịch" in page


def test_the_stream_sends_at_once_then_only_on_change() -> None:
    versions = iter([1, 1, 2, 2])
    snapshots = iter([{"present": 0}, {"present": 1}])

    async def connected() -> bool:
        return False

    async def collect() -> list[str]:
        events = board_events(
            read_version=lambda: next(versions),
            read_snapshot=lambda: next(snapshots),
            is_disconnected=connected,
            poll_seconds=0,
            lifetime_seconds=60,
        )
        out = []
        async for event in events:
            out.append(event)
            if len(out) == 3:
                break
        return out

    retry, first, second = asyncio.run(collect())
    assert retry.startswith("retry:")
    assert json.loads(first.removeprefix("data: ")) == {"present": 0}
    assert json.loads(second.removeprefix("data: ")) == {"present": 1}


def test_the_stream_stops_when_the_screen_disconnects() -> None:
    async def gone() -> bool:
        return True

    async def collect() -> list[str]:
        return [
            e
            async for e in board_events(
                read_version=lambda: 1, read_snapshot=dict, is_disconnected=gone
            )
        ]

    assert asyncio.run(collect()) == ["retry: 1000\n\n"]


def test_the_stream_needs_a_signed_in_staff_member(anonymous: TestClient) -> None:
    response = anonymous.get("/board/1/stream", follow_redirects=False)
    assert response.status_code == 303


def test_someone_who_left_is_counted_as_left_not_present_and_marked(client: TestClient) -> None:
    meeting_id = create_meeting(client, "Kỳ họp HĐND")
    ids = []
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        ids.append(
            client.post("/api/v1/people", json={"full_name": name}, headers=BEARER).json()["id"]
        )
    client.put(
        f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": ids}, headers=BEARER
    )
    url = f"/api/v1/meetings/{meeting_id}/checkins"
    for n, (person_id, at) in enumerate(zip(ids, ("07:55", "08:30"), strict=True)):
        body = {"person_id": person_id, "source": "kiosk", "idempotency_key": f"k{n}"}
        body["at"] = f"2026-03-02T{at}:00+07:00"
        assert client.post(url, json=body, headers=BEARER).status_code == 201
    out = {"person_id": str(ids[1]), "reason": "Về sớm", "key": "o1"}
    assert post(client, f"/meetings/{meeting_id}/checkout", out).status_code == 303
    page = text_of(client.get(f"/board/{meeting_id}").text)
    assert "2 Dự kiến 1 Đang có mặt (kể cả muộn) 0 Đi muộn (đang có mặt) 0 Vắng 1 Đã ra về" in page
    assert "08:30 Trần Thị Bình Đã ra về" in page
    english = text_of(client.get(f"/board/{meeting_id}?lang=en").text)
    assert "1 Present now (incl. late)" in english and "1 Left" in english


def test_the_board_version_changes_when_a_shown_name_or_the_meeting_is_edited(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        _edits_change_the_version(session)
    engine.dispose()


def _edits_change_the_version(session: Session) -> None:
    start = datetime(2026, 3, 2, 1, tzinfo=timezone.utc)
    meeting = new_meeting(session, title="Họp", starts_at=start, ends_at=start.replace(hour=3))
    person = create_person(session, full_name="Nguyễn Văn An", unit="Phòng A")
    set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
    person_id = person.id
    check_in(
        session,
        meeting_id=meeting.id,
        person_id=person_id,
        source="k",
        idempotency_key="k",
        at=start,
    )
    versions = [board_version(session, meeting_id=meeting.id)]
    update_person(session, person_id=person.id, full_name="Nguyễn Văn Ân", unit="Phòng A")
    versions.append(board_version(session, meeting_id=meeting.id))
    update_person(session, person_id=person.id, full_name="Nguyễn Văn Ân", unit="Phòng B")
    versions.append(board_version(session, meeting_id=meeting.id))
    update_meeting(
        session,
        meeting_id=meeting.id,
        title="Họp",
        room="Hội trường B",
        starts_at=start,
        ends_at=start.replace(hour=3),
    )
    versions.append(board_version(session, meeting_id=meeting.id))
    update_meeting(
        session,
        meeting_id=meeting.id,
        title="Họp",
        room="Hội trường B",
        starts_at=start,
        ends_at=start.replace(hour=4),
    )
    versions.append(board_version(session, meeting_id=meeting.id))
    assert len(set(versions)) == len(versions)
    check_out(
        session,
        meeting_id=meeting.id,
        person_id=person.id,
        reason="Về sớm",
        actor="admin",
        idempotency_key="o",
    )
    assert board_version(session, meeting_id=meeting.id) != versions[-1]
    assert board_snapshot(session, meeting_id=meeting.id).latest[0].left


def test_a_board_link_shows_one_meetings_board_without_a_sign_in(
    make_client: Callable[..., TestClient],
) -> None:
    secretary = make_client()
    sign_in(secretary)
    meeting_id = create_meeting(secretary, "Kỳ họp thứ 9")
    other_id = create_meeting(secretary, "Giao ban")
    issued = post(secretary, f"/meetings/{meeting_id}/board-link", {})
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
    match = re.search(r'id="board-link" href="[^"]*\?key=([^"]+)"', issued.text)
    assert match
    key = match.group(1)
    screen = make_client()  # the room's computer: no session
    page = screen.get(f"/board/{meeting_id}", params={"key": key})
    assert page.status_code == 200 and "Kỳ họp thứ 9" in page.text
    assert f"/stream?key={key}" in page.text  # the page's stream carries it too
    assert screen.get(f"/board/{other_id}", params={"key": key}).status_code == 403
    nothing_else = screen.get(f"/meetings/{meeting_id}", follow_redirects=False)
    assert nothing_else.status_code == 303 and "/signin" in nothing_else.headers["location"]
    post(secretary, f"/meetings/{meeting_id}/board-link", {})  # a new link replaces it
    assert screen.get(f"/board/{meeting_id}", params={"key": key}).status_code == 403
    stream = screen.get(f"/board/{meeting_id}/stream", params={"key": "bd_forged"})
    assert stream.status_code == 403
