"""Check-ins (JSON and image), their idempotency, and the attendance status they give."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from api_support import NAMES, create_meeting, create_people, jpeg, upload
from fastapi.testclient import TestClient
from PIL import Image, ImageEnhance, ImageOps

Rows = Callable[[], dict[str, int]]
STARTS = "2026-03-02T08:00:00+07:00"  # api_support.create_meeting's meeting, long over


def happening_now() -> dict[str, str]:
    now = datetime.now(timezone.utc)
    return {
        "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
    }


def json_checkin(
    client: TestClient, meeting_id: int, person_id: int, key: str, **fields: Any
) -> httpx.Response:
    body = {"person_id": person_id, "source": "kiosk-1", "idempotency_key": key, "at": STARTS}
    body |= fields
    return client.post(f"/api/v1/meetings/{meeting_id}/checkins", json=body)


def attendance(client: TestClient, meeting_id: int) -> dict[str, dict[str, Any]]:
    response = client.get(f"/api/v1/meetings/{meeting_id}/attendance")
    assert response.status_code == 200, response.text
    return {row["person"]["full_name"]: row for row in response.json()}


def test_same_key_twice_gives_201_then_200_with_the_same_event(
    client: TestClient, rows: Rows
) -> None:
    ids = create_people(client, NAMES[:2])
    meeting_id = create_meeting(client, ids)
    first = json_checkin(client, meeting_id, ids[0], "kiosk-1:0001", similarity=0.83)
    again = json_checkin(client, meeting_id, ids[0], "kiosk-1:0001", similarity=0.83)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["person"] == {"id": ids[0], "full_name": NAMES[0]}
    assert first.json()["similarity"] == 0.83
    assert rows()["attendance_events"] == 1


def test_another_key_for_someone_already_arrived_returns_the_first_event(
    client: TestClient, rows: Rows
) -> None:
    ids = create_people(client, NAMES[:2])
    meeting_id = create_meeting(client, ids)
    first = json_checkin(client, meeting_id, ids[0], "kiosk-1:0001")
    other = json_checkin(client, meeting_id, ids[0], "kiosk-2:0042")
    assert (first.status_code, other.status_code) == (201, 200), other.text
    assert other.json()["id"] == first.json()["id"]
    assert other.json()["idempotency_key"] == "kiosk-1:0001"
    assert rows()["attendance_events"] == 1


def test_key_reused_for_another_person_is_a_409_conflict(client: TestClient, rows: Rows) -> None:
    ids = create_people(client, NAMES[:2])
    meeting_id = create_meeting(client, ids)
    assert json_checkin(client, meeting_id, ids[0], "kiosk-1:0001").status_code == 201
    reused = json_checkin(client, meeting_id, ids[1], "kiosk-1:0001")
    assert reused.status_code == 409, reused.text
    assert reused.json()["reason"] == "IDEMPOTENCY_KEY_REUSED"
    assert rows()["attendance_events"] == 1


def test_person_not_on_the_roster_is_refused_with_403(client: TestClient, rows: Rows) -> None:
    invited, stranger = create_people(client, NAMES[:2])
    meeting_id = create_meeting(client, [invited])
    response = json_checkin(client, meeting_id, stranger, "kiosk-1:0001")
    assert response.status_code == 403, response.text
    assert response.json()["reason"] == "NOT_ON_ROSTER"
    assert rows()["attendance_events"] == 0


def test_unknown_meeting_or_person_is_404(client: TestClient, rows: Rows) -> None:
    ids = create_people(client, NAMES[:1])
    meeting_id = create_meeting(client, ids)
    for meeting, person in [(meeting_id + 1, ids[0]), (meeting_id, ids[0] + 1), (2**70, 1)]:
        response = json_checkin(client, meeting, person, f"k-{meeting}-{person}")
        assert response.status_code == 404, response.text
        assert response.json()["reason"] == "NOT_FOUND"
    assert client.get(f"/api/v1/meetings/{meeting_id + 1}/attendance").status_code == 404
    assert rows()["attendance_events"] == 0


def test_arrival_time_decides_present_late_or_absent(client: TestClient) -> None:
    ids = create_people(client, NAMES)
    # 08:00 in Hà Nội; late after 08:15.
    meeting_id = create_meeting(client, ids, late_after_minutes=15)
    times = {
        0: "2026-03-02T07:40:00+07:00",
        1: "2026-03-02T08:15:00+07:00",  # exactly at the limit: still on time
        2: "2026-03-02T08:05:00",  # no offset: read in the deployment's zone
        3: "2026-03-02T08:15:01+07:00",
        4: "2026-03-02T01:30:00Z",  # 08:30 in Hà Nội
    }
    for index, at in times.items():
        response = json_checkin(client, meeting_id, ids[index], f"k{index}", at=at)
        assert response.status_code == 201, response.text

    rows = attendance(client, meeting_id)
    assert len(rows) == 6
    status = {name: row["status"] for name, row in rows.items()}
    assert status == {
        NAMES[0]: "present",
        NAMES[1]: "present",
        NAMES[2]: "present",
        NAMES[3]: "late",
        NAMES[4]: "late",
        NAMES[5]: "absent",
    }
    seen = datetime.fromisoformat(rows[NAMES[2]]["first_seen_at"])
    assert seen == datetime(2026, 3, 2, 1, 5, tzinfo=timezone.utc)
    assert rows[NAMES[4]]["source"] == "kiosk-1"
    assert rows[NAMES[5]]["first_seen_at"] is None
    assert rows[NAMES[5]]["source"] is None


def test_image_checkin_twice_gives_201_then_200_and_no_new_rows(
    client: TestClient, enrolled: list[int], t1_image: Image.Image, rows: Rows
) -> None:
    now = datetime.now(timezone.utc)
    meeting_id = create_meeting(
        client,
        enrolled[:5],
        starts_at=(now - timedelta(minutes=5)).isoformat(),
        ends_at=(now + timedelta(hours=2)).isoformat(),
    )
    altered = ImageEnhance.Brightness(ImageOps.mirror(t1_image)).enhance(1.15)
    data = jpeg(altered)
    url = f"/api/v1/meetings/{meeting_id}/checkins"

    first = client.post(url, files=upload(data), data={"source": "camera-hall"})
    assert first.status_code == 201, first.text
    events = first.json()["events"]
    assert sorted(e["person"]["full_name"] for e in events) == sorted(NAMES[:5])
    assert all(e["created"] and e["source"] == "camera-hall" for e in events)
    decisions = sorted(f["decision"] for f in first.json()["faces"])
    assert decisions == ["match"] * 5 + ["not_on_roster"]
    after_first = rows()
    assert after_first["attendance_events"] == 5

    again = client.post(url, files=upload(data), data={"source": "camera-hall"})
    assert again.status_code == 200, again.text
    assert not any(e["created"] for e in again.json()["events"])
    assert {e["id"] for e in again.json()["events"]} == {e["id"] for e in events}
    assert rows() == after_first

    status = {name: row["status"] for name, row in attendance(client, meeting_id).items()}
    assert status == dict.fromkeys(NAMES[:5], "present")


def test_the_same_photo_checks_in_to_two_meetings(
    client: TestClient, enrolled: list[int], face_photos: list[bytes]
) -> None:
    first = create_meeting(client, enrolled[:1], **happening_now())
    second = create_meeting(client, enrolled[:1], title="Họp chi bộ", **happening_now())
    for meeting_id in (first, second):
        response = client.post(
            f"/api/v1/meetings/{meeting_id}/checkins", files=upload(face_photos[0])
        )
        assert response.status_code == 201, response.text
        assert [e["meeting_id"] for e in response.json()["events"]] == [meeting_id]


def test_over_long_image_checkin_source_or_key_is_refused_with_its_limit(
    client: TestClient, rows: Rows
) -> None:
    ids = create_people(client, NAMES[:1])
    meeting_id = create_meeting(client, ids)
    blank = jpeg(Image.new("RGB", (320, 240), (200, 200, 200)))
    url = f"/api/v1/meetings/{meeting_id}/checkins"
    # Cut, two long keys with the same first 150 characters would be one event.
    for form, limit in (({"idempotency_key": "k" * 151}, "150"), ({"source": "s" * 101}, "100")):
        response = client.post(url, files=upload(blank), data=form)
        assert response.status_code == 422, response.text
        assert response.json()["reason"] == "INVALID_REQUEST"
        assert limit in response.json()["detail"]
    ok = client.post(url, files=upload(blank), data={"idempotency_key": "k" * 150})
    assert ok.status_code == 200, ok.text  # at the limit: accepted (no face, nothing to record)
    assert rows()["attendance_events"] == 0
