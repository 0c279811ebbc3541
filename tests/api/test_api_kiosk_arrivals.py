"""GET /kiosk/arrivals: who is present in the kiosk's room today, however they came in; and
the gallery names the kiosk as its token does."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from api_support import create_meeting
from fastapi.testclient import TestClient
from test_api_kiosk import ROOM, ZONE, kiosk_headers, today_at

ARRIVALS = "/api/v1/kiosk/arrivals"


@pytest.fixture
def rooms(client: TestClient, enrolled: list[int]) -> dict[str, int]:
    """Today in ROOM: people 0-2; today in another room: 3-4."""
    return {
        "today": create_meeting(
            client, enrolled[:3], room=ROOM, starts_at=today_at(0), ends_at=today_at(23, minute=59)
        ),
        "other_room": create_meeting(
            client,
            enrolled[3:5],
            room="Hội trường",
            starts_at=today_at(0),
            ends_at=today_at(23, minute=59),
        ),
    }


def by_hand(client: TestClient, meeting_id: int, person_id: int, at: datetime) -> None:
    body = {
        "person_id": person_id,
        "source": "manual",
        "idempotency_key": f"hand-{meeting_id}-{person_id}",
        "note": "Thư ký điểm danh tại bàn",
        "at": at.isoformat(),
    }
    response = client.post(f"/api/v1/meetings/{meeting_id}/checkins", json=body)
    assert response.status_code == 201, response.text


def test_arrivals_list_who_came_in_by_hand_at_their_first_arrival_in_the_servers_zone(
    client: TestClient, enrolled: list[int], rooms: dict[str, int]
) -> None:
    kiosk = kiosk_headers(client)
    empty = client.get(ARRIVALS, headers=kiosk)
    assert empty.status_code == 200, empty.text
    assert empty.json()["meetings"] == [{"meeting_id": rooms["today"], "arrivals": []}]
    at = datetime.now(ZONE).replace(microsecond=0) - timedelta(minutes=3)
    by_hand(client, rooms["today"], enrolled[1], at)
    by_hand(client, rooms["other_room"], enrolled[3], at)  # another room: not this kiosk's
    listed = client.get(ARRIVALS, headers=kiosk)
    assert listed.status_code == 200
    (meeting,) = listed.json()["meetings"]
    assert meeting == {
        "meeting_id": rooms["today"],
        "arrivals": [{"person_id": enrolled[1], "at": at.isoformat()}],
    }
    # Unchanged since: 304 on its ETag; changed by a kiosk's own check-in: a new list.
    etag = listed.headers["etag"]
    assert listed.json()["etag"] == etag.strip('"')
    same = client.get(ARRIVALS, headers={**kiosk, "If-None-Match": etag})
    assert same.status_code == 304
    body = {"person_id": enrolled[0], "source": "kiosk:cửa-A", "idempotency_key": "cửa-A:1"}
    url = f"/api/v1/meetings/{rooms['today']}/checkins"
    assert client.post(url, json=body, headers=kiosk).status_code == 201
    changed = client.get(ARRIVALS, headers={**kiosk, "If-None-Match": etag})
    assert changed.status_code == 200
    present = [a["person_id"] for a in changed.json()["meetings"][0]["arrivals"]]
    assert present == sorted(enrolled[:2])


def test_someone_checked_out_is_not_listed_until_they_return(
    client: TestClient, enrolled: list[int], rooms: dict[str, int]
) -> None:
    kiosk = kiosk_headers(client)
    at = datetime.now(ZONE).replace(microsecond=0) - timedelta(minutes=10)
    by_hand(client, rooms["today"], enrolled[2], at)
    out = {"person_id": enrolled[2], "reason": "Ra ngoài nghe điện thoại"}
    assert client.post(f"/api/v1/meetings/{rooms['today']}/checkouts", json=out).status_code == 201
    # Gone: a kiosk that sees them again must send their return, not greet them as in.
    assert client.get(ARRIVALS, headers=kiosk).json()["meetings"][0]["arrivals"] == []


def test_the_admin_token_names_the_room_and_a_revoked_token_is_refused(
    client: TestClient, enrolled: list[int], rooms: dict[str, int]
) -> None:
    assert client.get(ARRIVALS).status_code == 422  # the admin token: which room?
    assert client.get(ARRIVALS, params={"room": ROOM}).status_code == 200
    kiosk = kiosk_headers(client)
    assert client.get(ARRIVALS, headers=kiosk, params={"room": "Hội trường"}).status_code == 403
    token_id = client.get("/api/v1/kiosk-tokens").json()[-1]["id"]
    assert client.delete(f"/api/v1/kiosk-tokens/{token_id}").status_code == 200
    assert client.get(ARRIVALS, headers=kiosk).status_code == 401


def test_the_gallery_names_the_kiosk_as_its_token_does(
    client: TestClient, enrolled: list[int], rooms: dict[str, int]
) -> None:
    kiosk = kiosk_headers(client, name="cửa-tầng-2")
    assert client.get("/api/v1/kiosk/gallery", headers=kiosk).json()["kiosk_name"] == "cửa-tầng-2"
    admin = client.get("/api/v1/kiosk/gallery", params={"room": ROOM})
    assert admin.status_code == 200 and admin.json()["kiosk_name"] is None
