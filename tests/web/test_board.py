"""The live board: the page, and an event whenever the database says something changed."""

from __future__ import annotations

import asyncio
import json

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, text_of

from api.web.live import board_events

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
    assert "2 Dự kiến 1 Có mặt (kể cả muộn) 1 Đến muộn 1 Vắng" in page
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
