"""What the kiosk's client makes of the server's refusals: the kiosk's own for good, an
event's for that event only. The in-process app answers, with its real routes and database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from api_support import create_meeting, create_people
from fastapi.testclient import TestClient
from test_api_kiosk import ROOM, ZONE, kiosk_headers, today_at

from kiosk.client import KioskClient, KioskRefused, TokenRefused
from kiosk.outbox import PENDING, CheckinEvent, Outbox, Outcome

OTHER_ROOM = "Hội trường"


def seen_now() -> str:
    return datetime.now(ZONE).isoformat()


def kiosk_client(client: TestClient, token: str, room: str | None = None) -> KioskClient:
    transport = client._transport  # type: ignore[attr-defined]
    return KioskClient("http://testserver", token, room=room, transport=transport)


def kiosk_token(client: TestClient, room: str = ROOM) -> str:
    return kiosk_headers(client, room=room)["Authorization"].removeprefix("Bearer ")


def test_a_kiosk_token_naming_another_room_is_refused(client: TestClient) -> None:
    headers = kiosk_headers(client)
    gallery = "/api/v1/kiosk/gallery"
    assert client.get(gallery, headers=headers).status_code == 200
    assert client.get(gallery, params={"room": ROOM}, headers=headers).status_code == 200
    refused = client.get(gallery, params={"room": OTHER_ROOM}, headers=headers)
    assert refused.status_code == 403
    body = refused.json()
    assert body["reason"] == "FORBIDDEN"
    assert "dành cho phòng" in body["detail"] and "is for room" in body["detail"]
    assert ROOM in body["detail"] and OTHER_ROOM in body["detail"]
    templates = {"ids": [], "room": OTHER_ROOM}
    refused = client.post("/api/v1/kiosk/templates", json=templates, headers=headers)
    assert refused.status_code == 403


def test_a_wrong_room_or_a_missing_one_ends_the_sync_in_both_languages(
    client: TestClient,
) -> None:
    with pytest.raises(KioskRefused) as wrong_room:
        kiosk_client(client, kiosk_token(client), room=OTHER_ROOM).gallery(model="m", etag=None)
    assert wrong_room.value.status == 403
    message = str(wrong_room.value)
    assert "thử lại cũng không được" in message and "retrying cannot help" in message
    assert "FORBIDDEN" in message and OTHER_ROOM in message
    assert "developer.mozilla.org" not in message
    # The admin token must name a room: a kiosk started with it and no --room never can sync.
    admin = client.headers["Authorization"].removeprefix("Bearer ")
    with pytest.raises(KioskRefused) as no_room:
        kiosk_client(client, admin).gallery(model="m", etag=None)
    assert no_room.value.status == 422 and "room" in str(no_room.value)


def test_a_token_revoked_while_running_stops_delivery_and_keeps_the_check_in(
    client: TestClient, tmp_path: Path
) -> None:
    people = create_people(client, ["Nguyễn Văn An"])
    meeting = create_meeting(
        client, people, room=ROOM, starts_at=today_at(0), ends_at=today_at(23, minute=59)
    )
    created = client.post("/api/v1/kiosk-tokens", json={"name": "cửa-B", "room": ROOM}).json()
    kiosk = kiosk_client(client, created["token"])
    assert kiosk.gallery(model="m", etag=None) is not None
    assert client.delete(f"/api/v1/kiosk-tokens/{created['id']}").status_code == 200
    outbox = Outbox(tmp_path / "outbox.sqlite")
    event = CheckinEvent("cửa-B:1:1", meeting, people[0], seen_now())
    assert outbox.enqueue(event)
    with pytest.raises(TokenRefused) as refused:
        outbox.deliver(kiosk)
    assert refused.value.status == 401
    assert outbox.counts()[PENDING] == 1  # nothing lost: sent again with a new token
    with pytest.raises(TokenRefused):
        kiosk.templates([1], model="m")


def test_a_refused_check_in_is_that_events_refusal_only(client: TestClient) -> None:
    people = create_people(client, ["Nguyễn Văn An", "Trần Thị Bình"])
    meeting = create_meeting(
        client, people[:1], room=ROOM, starts_at=today_at(0), ends_at=today_at(23, minute=59)
    )
    kiosk = kiosk_client(client, kiosk_token(client))
    stranger = CheckinEvent("cửa-A:1:2", meeting, people[1], seen_now())
    result = kiosk.send(stranger)
    assert result.outcome is Outcome.REJECTED and "NOT_ON_ROSTER" in result.message
    welcome = CheckinEvent("cửa-A:1:1", meeting, people[0], seen_now())
    assert kiosk.send(welcome).outcome is Outcome.DELIVERED
