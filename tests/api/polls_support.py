"""Helpers for the poll tests: a meeting of five voting members and an observer, today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from api_support import create_meeting, create_people
from fastapi.testclient import TestClient

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MEMBERS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Đức Dũng", "Hoàng Thị Hà")


def today(hour: int, minute: int = 0) -> str:
    return datetime.now(ZONE).replace(hour=hour, minute=minute, second=0).isoformat()


@dataclass
class Room:
    meeting_id: int
    people: list[int]  # five voting members, then an observer


def make_room(client: TestClient) -> Room:
    ids = create_people(client, [*MEMBERS, "Vũ Thị Quan Sát"])
    meeting_id = create_meeting(client, ids[:5], starts_at=today(0), ends_at=today(23, 59))
    response = client.put(
        f"/api/v1/meetings/{meeting_id}/participants",
        json={"person_ids": ids[:5], "non_voting_ids": [ids[5]]},
    )
    assert response.status_code == 200, response.text
    return Room(meeting_id, ids)


def arrive(client: TestClient, room: Room, person_id: int, key: str | None = None) -> Any:
    response = client.post(
        f"/api/v1/meetings/{room.meeting_id}/checkins",
        json={
            "person_id": person_id,
            "source": "kiosk-A",
            "idempotency_key": key or f"k{person_id}",
        },
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def link(checkin: dict[str, Any]) -> dict[str, str]:
    token = checkin["voting_url"].split("#", 1)[1]
    return {"Authorization": f"Bearer {token}"}


def new_poll(client: TestClient, room: Room, open_it: bool = True, **spec: Any) -> Any:
    url = f"/api/v1/meetings/{room.meeting_id}/polls"
    response = client.post(url, json={"title": "Thông qua dự toán ngân sách 2027", **spec})
    assert response.status_code == 201, response.text
    poll = response.json()
    if open_it:
        response = client.post(f"{url}/{poll['id']}/open")
        assert response.status_code == 200, response.text
        poll = response.json()
    return poll


def ballot(client: TestClient, room: Room, poll: Any, headers: dict[str, str], **body: Any) -> Any:
    body.setdefault("option_ids", [poll["options"][0]["id"]])
    url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/ballots"
    return client.post(url, json=body, headers=headers)


def present(client: TestClient, room: Room, n: int = 3) -> list[dict[str, str]]:
    return [link(arrive(client, room, p)) for p in room.people[:n]]
