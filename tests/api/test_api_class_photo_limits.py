"""What one class photo may cost the server (attack 12b): a cap on faces before any is
embedded, on pending photos per meeting, on analyses at once; and a kiosk token only for a
meeting of its room whose check-in window is open now."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from api_support import T1_PATH, ClientFactory, create_meeting, create_people, identify, query
from fastapi.testclient import TestClient
from test_api_class_photo import class_of_t1, send


def count_photos(db_url: str) -> int:
    [(count,)] = query(db_url, "SELECT count(*) FROM class_photos")
    return int(count)


def test_a_photo_with_more_faces_than_the_cap_is_422_and_nothing_is_stored(
    make_client: ClientFactory, face_photos: list[bytes], database_url: str
) -> None:
    client = make_client(max_faces_per_photo=3)  # t1.jpg has 6
    meeting_id, _ = class_of_t1(client, face_photos)
    response = send(client, meeting_id, T1_PATH.read_bytes())
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["reason"] == "TOO_MANY_FACES"
    assert "khuôn mặt" in body["detail"] and "more than the 3" in body["detail"]
    assert count_photos(database_url) == 0
    roomy = make_client(max_faces_per_photo=6)
    assert send(roomy, meeting_id, T1_PATH.read_bytes()).status_code == 200


def test_one_pending_photo_more_than_the_cap_is_409_until_one_is_confirmed(
    make_client: ClientFactory, face_photos: list[bytes], database_url: str
) -> None:
    client = make_client(class_photo_pending=2)
    meeting_id, _ = class_of_t1(client, face_photos)
    first = send(client, meeting_id, T1_PATH.read_bytes())
    assert first.status_code == 200, first.text
    assert send(client, meeting_id, T1_PATH.read_bytes()).status_code == 200
    third = send(client, meeting_id, T1_PATH.read_bytes())
    assert third.status_code == 409, third.text
    assert third.json()["reason"] == "TOO_MANY_PENDING_PHOTOS"
    assert "chờ xác nhận" in third.json()["detail"]
    assert count_photos(database_url) == 2
    url = f"/api/v1/meetings/{meeting_id}/class-photo/{first.json()['photo_id']}/confirm"
    assert client.post(url, json={"person_ids": []}).status_code == 200
    assert send(client, meeting_id, T1_PATH.read_bytes()).status_code == 200


def test_analyses_past_the_server_wide_limit_get_429_with_retry_after(
    make_client: ClientFactory, face_photos: list[bytes], database_url: str
) -> None:
    client = make_client(analysis_concurrency=1, analysis_wait_seconds=0)
    meeting_id, _ = class_of_t1(client, face_photos)
    services = client.app_state["services"]  # type: ignore[attr-defined]
    with services.analyses.hold():  # another photo is being analysed
        busy = send(client, meeting_id, T1_PATH.read_bytes())
    assert busy.status_code == 429, busy.text
    assert busy.json()["reason"] == "TOO_MANY_ANALYSES"
    assert int(busy.headers["Retry-After"]) >= 1
    assert "ảnh" in busy.json()["detail"] and "again" in busy.json()["detail"]
    assert count_photos(database_url) == 0
    assert send(client, meeting_id, T1_PATH.read_bytes()).status_code == 200


def test_a_room_kiosk_reaches_only_a_meeting_of_its_room_open_now(
    client: TestClient, face_photos: list[bytes], database_url: str
) -> None:
    roster = create_people(client, ["Lê Văn Sau"])
    now = datetime.now(timezone.utc)
    later = create_meeting(
        client,
        roster,
        room="P101",
        starts_at=(now + timedelta(days=7)).isoformat(),
        ends_at=(now + timedelta(days=7, hours=2)).isoformat(),
    )
    today = create_meeting(
        client,
        roster,
        room="P101",
        starts_at=(now - timedelta(minutes=5)).isoformat(),
        ends_at=(now + timedelta(hours=2)).isoformat(),
    )
    kiosk = client.post("/api/v1/kiosk-tokens", json={"name": "p101", "room": "P101"}).json()
    headers = {"Authorization": f"Bearer {kiosk['token']}"}
    files = {"file": ("t1.jpg", T1_PATH.read_bytes(), "image/jpeg")}
    refused = client.post(f"/api/v1/meetings/{later}/class-photo", files=files, headers=headers)
    assert refused.status_code == 403, refused.text
    assert "not_seen" not in refused.json() and "Lê Văn Sau" not in refused.text
    assert count_photos(database_url) == 0
    # Staff are unchanged: the secretary's own token reaches next week's meeting.
    assert client.post(f"/api/v1/meetings/{later}/class-photo", files=files).status_code == 200
    mine = client.post(f"/api/v1/meetings/{today}/class-photo", files=files, headers=headers)
    assert mine.status_code == 200, mine.text
    photo = mine.json()["photo_id"]
    other_day = client.get(f"/api/v1/meetings/{later}/class-photo/{photo}", headers=headers)
    assert other_day.status_code == 403


def test_identify_and_the_photo_checkin_share_the_cap_on_faces(
    make_client: ClientFactory, face_photos: list[bytes]
) -> None:
    client = make_client(max_faces_per_photo=3)  # t1.jpg has 6
    meeting_id, _ = class_of_t1(client, face_photos)
    files = {"file": ("t1.jpg", T1_PATH.read_bytes(), "image/jpeg")}
    found = client.post("/api/v1/identify", files=files, data={"meeting_id": str(meeting_id)})
    assert found.status_code == 422 and found.json()["reason"] == "TOO_MANY_FACES", found.text
    checkin = client.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        files={"file": ("t1.jpg", T1_PATH.read_bytes(), "image/jpeg")},
    )
    assert checkin.status_code == 422 and checkin.json()["reason"] == "TOO_MANY_FACES"
    assert len(identify(make_client(), T1_PATH.read_bytes(), meeting_id)) == 6
