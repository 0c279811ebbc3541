"""Kiosk tokens: a room's gallery, its check-ins, and nothing else."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from api_support import create_meeting, query, upload
from fastapi.testclient import TestClient

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ROOM = "Phòng họp số 1"


def today_at(hour: int, days: int = 0, minute: int = 0) -> str:
    now = datetime.now(ZONE)
    return (
        now.replace(hour=hour, minute=minute, second=0, microsecond=0) + timedelta(days=days)
    ).isoformat()


def kiosk_headers(client: TestClient, room: str = ROOM, name: str = "cửa-A") -> dict[str, str]:
    response = client.post("/api/v1/kiosk-tokens", json={"name": name, "room": room})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["role"] == "kiosk" and body["room"] == room and body["token"]
    return {"Authorization": f"Bearer {body['token']}"}


@pytest.fixture
def rooms(client: TestClient, enrolled: list[int]) -> dict[str, int]:
    """Today in ROOM: people 0-2; today in another room: 3-4; tomorrow in ROOM: 5."""
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
        "tomorrow": create_meeting(
            client, enrolled[5:], room=ROOM, starts_at=today_at(8, 1), ends_at=today_at(11, 1)
        ),
    }


def test_kiosk_token_cannot_manage_people_meetings_or_identify(client: TestClient) -> None:
    headers = kiosk_headers(client)
    assert client.get("/api/v1/people", headers=headers).status_code == 403
    assert (
        client.post("/api/v1/people", json={"full_name": "X"}, headers=headers).status_code == 403
    )
    assert client.get("/api/v1/meetings", headers=headers).status_code == 403
    assert (
        client.post(
            "/api/v1/kiosk-tokens", json={"name": "k2", "room": ROOM}, headers=headers
        ).status_code
        == 403
    )
    response = client.post("/api/v1/identify", files={"file": ("a.jpg", b"x")}, headers=headers)
    assert response.status_code == 403 and response.json()["reason"] == "FORBIDDEN"


def test_gallery_holds_only_todays_meetings_in_the_kiosks_room(
    client: TestClient, enrolled: list[int], rooms: dict[str, int]
) -> None:
    headers = kiosk_headers(client)
    response = client.get("/api/v1/kiosk/gallery", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [m["id"] for m in body["meetings"]] == [rooms["today"]]
    assert body["meetings"][0]["person_ids"] == sorted(enrolled[:3])
    assert sorted(p["id"] for p in body["people"]) == sorted(enrolled[:3])
    assert sorted(t["person_id"] for t in body["templates"]) == sorted(enrolled[:3])
    assert body["model"].startswith("sface:")
    # The kiosk's screen shows every time in the server's zone, which the gallery says.
    assert body["timezone"] == "Asia/Ho_Chi_Minh"
    assert body["meetings"][0]["starts_at"].endswith("+07:00")

    ids = [t["id"] for t in body["templates"]]
    data = client.post("/api/v1/kiosk/templates", json={"ids": ids}, headers=headers).json()
    vectors = np.stack(
        [
            np.frombuffer(base64.b64decode(t["embedding"]), dtype=np.float32)
            for t in data["templates"]
        ]
    )
    assert vectors.shape == (3, 128)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_templates_of_other_rooms_are_refused(
    client: TestClient, enrolled: list[int], rooms: dict[str, int]
) -> None:
    other = kiosk_headers(client, room="Hội trường", name="hội-trường")
    theirs = client.get("/api/v1/kiosk/gallery", headers=other).json()["templates"]
    mine = kiosk_headers(client)
    response = client.post("/api/v1/kiosk/templates", json={"ids": [theirs[0]["id"]]}, headers=mine)
    assert response.status_code == 403


def test_unchanged_gallery_answers_304_and_changes_show_a_new_etag(
    client: TestClient, enrolled: list[int], rooms: dict[str, int], face_photos: list[bytes]
) -> None:
    headers = kiosk_headers(client)
    first = client.get("/api/v1/kiosk/gallery", headers=headers)
    etag = first.headers["etag"]
    same = client.get("/api/v1/kiosk/gallery", headers={**headers, "If-None-Match": etag})
    assert same.status_code == 304

    client.put(f"/api/v1/meetings/{rooms['today']}/participants", json={"person_ids": enrolled[:4]})
    grown = client.get("/api/v1/kiosk/gallery", headers={**headers, "If-None-Match": etag})
    assert grown.status_code == 200 and grown.headers["etag"] != etag
    assert len(grown.json()["templates"]) == 4

    # Erasure: the person's templates leave every kiosk at its next sync.
    assert client.delete(f"/api/v1/people/{enrolled[0]}/templates").status_code == 200
    erased = client.get("/api/v1/kiosk/gallery", headers=headers).json()
    assert enrolled[0] not in {t["person_id"] for t in erased["templates"]}


def test_gallery_of_another_model_identity_is_empty(
    client: TestClient, enrolled: list[int], rooms: dict[str, int]
) -> None:
    headers = kiosk_headers(client)
    body = client.get(
        "/api/v1/kiosk/gallery", params={"model": "buffalo_l:abc:512"}, headers=headers
    ).json()
    assert body["model"] == "buffalo_l:abc:512" and body["templates"] == []


def test_kiosk_checks_in_to_its_room_only_and_revocation_locks_it_out(
    client: TestClient, enrolled: list[int], rooms: dict[str, int]
) -> None:
    headers = kiosk_headers(client)
    body = {"person_id": enrolled[0], "source": "cửa-A", "idempotency_key": "cửa-A:1"}
    response = client.post(
        f"/api/v1/meetings/{rooms['today']}/checkins", json=body, headers=headers
    )
    assert response.status_code == 201, response.text
    body = {"person_id": enrolled[3], "source": "cửa-A", "idempotency_key": "cửa-A:2"}
    response = client.post(
        f"/api/v1/meetings/{rooms['other_room']}/checkins", json=body, headers=headers
    )
    assert response.status_code == 403
    body = {"person_id": enrolled[5], "source": "cửa-A", "idempotency_key": "cửa-A:3"}
    response = client.post(
        f"/api/v1/meetings/{rooms['tomorrow']}/checkins", json=body, headers=headers
    )
    assert response.status_code == 403

    token_id = next(
        t["id"] for t in client.get("/api/v1/kiosk-tokens").json() if t["role"] == "kiosk"
    )
    assert client.delete(f"/api/v1/kiosk-tokens/{token_id}").status_code == 200
    assert client.get("/api/v1/kiosk/gallery", headers=headers).status_code == 401


def test_admin_reading_a_gallery_must_name_the_room(client: TestClient) -> None:
    assert client.get("/api/v1/kiosk/gallery").status_code == 422
    assert client.get("/api/v1/kiosk/gallery", params={"room": ROOM}).status_code == 200


def _passes(db_url: str) -> int:
    [(count,)] = query(db_url, "SELECT count(*) FROM voting_passes")
    return int(count)


def test_kiosk_image_checkin_brings_no_voting_link_and_staff_one_does(
    client: TestClient,
    enrolled: list[int],
    rooms: dict[str, int],
    face_photos: list[bytes],
    database_url: str,
) -> None:
    url = f"/api/v1/meetings/{rooms['today']}/checkins"
    # Anyone's published photo held up to a kiosk: it is no proof the person is in the room.
    by_kiosk = client.post(url, files=upload(face_photos[0]), headers=kiosk_headers(client))
    assert by_kiosk.status_code == 201, by_kiosk.text
    [event] = by_kiosk.json()["events"]
    assert event["person"]["id"] == enrolled[0] and event["voting_url"] is None
    assert "vp_" not in by_kiosk.text and "/vote" not in by_kiosk.text
    assert _passes(database_url) == 0
    by_staff = client.post(url, files=upload(face_photos[1]))
    assert by_staff.status_code == 201, by_staff.text
    [event] = by_staff.json()["events"]
    assert event["person"]["id"] == enrolled[1] and "/vote#vp_" in event["voting_url"]
    assert _passes(database_url) == 1


def test_kiosk_sighting_of_someone_checked_out_records_their_return(
    client: TestClient, enrolled: list[int], rooms: dict[str, int]
) -> None:
    url = f"/api/v1/meetings/{rooms['today']}/checkins"
    arrived = client.post(
        url,
        json={
            "person_id": enrolled[0],
            "source": "manual",
            "idempotency_key": "in-1",
            "note": "Quên thẻ",
        },
    )
    assert arrived.status_code == 201 and arrived.json()["voting_url"], arrived.text
    out = {"person_id": enrolled[0], "reason": "Ra ngoài nghe điện thoại"}
    assert client.post(f"/api/v1/meetings/{rooms['today']}/checkouts", json=out).status_code == 201
    body = {"person_id": enrolled[0], "source": "cửa-A", "idempotency_key": "cửa-A:9"}
    back = client.post(url, json=body, headers=kiosk_headers(client))
    # A check-in at the door: the kiosk sees them come back in, as it saw them arrive.
    assert back.status_code == 201, back.text
    assert back.json()["kind"] == "returned" and back.json()["voting_url"] is None


def test_kiosk_token_cannot_cast_a_face_ballot_or_read_polls(
    client: TestClient, enrolled: list[int], rooms: dict[str, int], face_photos: list[bytes]
) -> None:
    meeting = f"/api/v1/meetings/{rooms['today']}"
    arrived = {
        "person_id": enrolled[0],
        "source": "manual",
        "idempotency_key": "in-1",
        "note": "Có mặt",
    }
    assert client.post(f"{meeting}/checkins", json=arrived).status_code == 201
    poll = client.post(
        f"{meeting}/polls", json={"title": "Thông qua biên bản", "quorum": "0"}
    ).json()
    assert client.post(f"{meeting}/polls/{poll['id']}/open").status_code == 200
    kiosk = kiosk_headers(client)
    choice = {"option_ids": str(poll["options"][0]["id"])}
    url = f"{meeting}/polls/{poll['id']}/ballots"
    cast = client.post(url, files=upload(face_photos[0]), data=choice, headers=kiosk)
    assert cast.status_code == 403 and cast.json()["reason"] == "FORBIDDEN"
    for path in ("/polls", f"/polls/{poll['id']}", f"/polls/{poll['id']}/results", "/agenda"):
        assert client.get(meeting + path, headers=kiosk).status_code == 403, path
    tally = client.get(f"{url.rsplit('/', 1)[0]}/tally").json()
    assert tally["ballots"] == 0
    by_staff = client.post(url, files=upload(face_photos[0]), data=choice)
    assert by_staff.status_code == 201, by_staff.text
