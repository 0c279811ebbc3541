"""The check-in window by the server's clock: what a kiosk's `at` may be, and staff's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_support import ADMIN_TOKEN, NAMES, create_meeting, create_people
from fastapi.testclient import TestClient

from api.app import create_app
from attendance.settings import CheckinSettings, ModelSettings, Settings
from models.packs import FacePipeline

ROOM = "Phòng họp số 1"


def around_now(start: timedelta, hours: float = 2) -> dict[str, str]:
    """A meeting in ROOM starting `start` from now (negative: already started)."""
    starts = datetime.now(timezone.utc) + start
    return {
        "room": ROOM,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=hours)).isoformat(),
    }


def ago(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) - delta).isoformat()


def post(
    client: TestClient, meeting_id: int, person_id: int, key: str, **fields: Any
) -> httpx.Response:
    """As staff (the client's admin token)."""
    body = {"person_id": person_id, "source": "kiosk-1", "idempotency_key": key} | fields
    return client.post(f"/api/v1/meetings/{meeting_id}/checkins", json=body)


def kiosk_headers(client: TestClient) -> dict[str, str]:
    response = client.post("/api/v1/kiosk-tokens", json={"name": "cửa-A", "room": ROOM})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def kiosk_post(
    client: TestClient, headers: dict[str, str], meeting_id: int, person_id: int, key: str, **f: Any
) -> httpx.Response:
    body = {"person_id": person_id, "source": "kiosk-1", "idempotency_key": key} | f
    return client.post(f"/api/v1/meetings/{meeting_id}/checkins", json=body, headers=headers)


def status_of(client: TestClient, meeting_id: int, person_id: int) -> str:
    rows = client.get(f"/api/v1/meetings/{meeting_id}/attendance").json()
    return next(r["status"] for r in rows if r["person"]["id"] == person_id)


def test_a_kiosk_cannot_check_in_to_next_weeks_meeting_in_its_room(client: TestClient) -> None:
    ids = create_people(client, NAMES[:1])
    next_week = create_meeting(client, ids, **around_now(timedelta(days=7)))
    headers = kiosk_headers(client)
    # Even with its clock set to next week: the server's clock decides.
    at = (datetime.now(timezone.utc) + timedelta(days=7, minutes=5)).isoformat()
    for extra in ({"at": at}, {}):
        response = kiosk_post(client, headers, next_week, ids[0], f"k{len(extra)}", **extra)
        assert response.status_code == 403, response.text
        assert "not open now" in response.json()["detail"]
    # Not checked in, and not absent either: the meeting is next week.
    assert status_of(client, next_week, ids[0]) == "not_arrived"


def test_a_kiosk_cannot_backdate_an_arrival_before_the_window(client: TestClient) -> None:
    ids = create_people(client, NAMES[:1])
    # Started 30 minutes ago, late after 15: a real arrival now is late.
    meeting_id = create_meeting(client, ids, **around_now(-timedelta(minutes=30)))
    headers = kiosk_headers(client)
    response = kiosk_post(client, headers, meeting_id, ids[0], "k1", at=ago(timedelta(hours=2)))
    assert response.status_code == 422, response.text
    assert response.json()["reason"] == "OUTSIDE_CHECKIN_WINDOW"
    assert "ngoài giờ điểm danh" in response.json()["detail"]
    assert status_of(client, meeting_id, ids[0]) == "absent"


def test_a_future_at_beyond_the_skew_is_refused_and_blocks_nothing(client: TestClient) -> None:
    ids = create_people(client, NAMES[:1])
    meeting_id = create_meeting(client, ids, **around_now(-timedelta(minutes=5)))
    headers = kiosk_headers(client)
    later = (datetime.now(timezone.utc) + timedelta(minutes=30)).isoformat()
    response = kiosk_post(client, headers, meeting_id, ids[0], "k-future", at=later)
    assert response.status_code == 422, response.text
    assert response.json()["reason"] == "CHECKIN_IN_FUTURE"
    # The delegate's real arrival still counts, as the first one.
    real = kiosk_post(client, headers, meeting_id, ids[0], "k-real")
    assert real.status_code == 201, real.text
    # A clock a minute ahead is within the skew.
    ids2 = create_people(client, ["Bùi Văn Ích"])
    client.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": ids + ids2})
    soon = (datetime.now(timezone.utc) + timedelta(minutes=1)).isoformat()
    assert kiosk_post(client, headers, meeting_id, ids2[0], "k-soon", at=soon).status_code == 201


@pytest.mark.parametrize(
    "claim",
    [
        {"source": "manual"},
        {"source": " Manual "},
        {"source": "review"},
        {"note": "x"},
        # Invisible characters the stored text drops: compared as it would be stored.
        {"source": "man\u200bual"},
        {"source": "re\ufeffview"},
        {"source": " MANUAL\u200b"},
    ],
)
def test_a_kiosk_cannot_claim_a_manual_check_in_or_write_a_note(
    client: TestClient, claim: dict[str, str]
) -> None:
    ids = create_people(client, NAMES[:1])
    meeting_id = create_meeting(client, ids, **around_now(-timedelta(minutes=5)))
    response = kiosk_post(client, kiosk_headers(client), meeting_id, ids[0], "k1", **claim)
    assert response.status_code == 403, response.text
    assert response.json()["reason"] == "KIOSK_CANNOT_CLAIM_MANUAL"
    entries = client.get(f"/api/v1/meetings/{meeting_id}/audit").json()
    assert [e["action"] for e in entries] == ["roster_replaced"]  # only the roster's


def test_nobody_checks_in_after_the_meeting_ended_without_saying_when(
    client: TestClient,
) -> None:
    ids = create_people(client, NAMES[:3])
    ended = create_meeting(client, ids, **around_now(-timedelta(hours=3)))  # ended an hour ago
    headers = kiosk_headers(client)
    inside = ago(timedelta(hours=2, minutes=55))  # 5 minutes after it started
    late = kiosk_post(client, headers, ended, ids[0], "k0")
    assert late.status_code == 422, late.text
    assert late.json()["reason"] == "OUTSIDE_CHECKIN_WINDOW"
    staff = post(client, ended, ids[1], "s1", source="manual", note="Quên thẻ")
    assert staff.status_code == 422, staff.text
    assert staff.json()["reason"] == "OUTSIDE_CHECKIN_WINDOW"
    # A secretary correcting by hand says when they came: inside the window, it counts.
    fixed = post(client, ended, ids[1], "s2", source="manual", note="Quên thẻ", at=inside)
    assert fixed.status_code == 201, fixed.text
    assert status_of(client, ended, ids[1]) == "present"


def test_a_kiosk_outbox_delivers_after_an_outage_within_a_day_of_the_end(
    client: TestClient,
) -> None:
    ids = create_people(client, NAMES[:2])
    headers = kiosk_headers(client)
    ended = create_meeting(client, ids, **around_now(-timedelta(hours=3)))  # ended an hour ago
    seen = ago(timedelta(hours=2, minutes=55))  # what the camera saw, 5 minutes in
    delivered = kiosk_post(client, headers, ended, ids[0], "k-outbox", at=seen)
    assert delivered.status_code == 201, delivered.text
    assert status_of(client, ended, ids[0]) == "present"
    long_ago = create_meeting(client, ids, **around_now(-timedelta(hours=30)))
    stale = kiosk_post(client, headers, long_ago, ids[1], "k-stale", at=ago(timedelta(hours=29)))
    assert stale.status_code == 403, stale.text


def test_staff_times_stay_inside_the_window_and_never_in_the_future(client: TestClient) -> None:
    ids = create_people(client, NAMES[:1])
    meeting_id = create_meeting(client, ids, **around_now(-timedelta(minutes=30)))
    early = post(client, meeting_id, ids[0], "s1", at=ago(timedelta(hours=2)))
    assert early.status_code == 422 and early.json()["reason"] == "OUTSIDE_CHECKIN_WINDOW"
    future = (datetime.now(timezone.utc) + timedelta(minutes=10)).isoformat()
    ahead = post(client, meeting_id, ids[0], "s2", at=future)
    assert ahead.status_code == 422 and ahead.json()["reason"] == "CHECKIN_IN_FUTURE"
    # An hour before the start is the window's first minute (ATTEND_CHECKIN__ default 60).
    opens = ago(timedelta(minutes=89))
    assert post(client, meeting_id, ids[0], "s3", at=opens).status_code == 201


def test_the_gallery_carries_the_servers_window(client: TestClient) -> None:
    ids = create_people(client, NAMES[:1])
    meeting_id = create_meeting(client, ids, **around_now(timedelta(minutes=5)))
    body = client.get("/api/v1/kiosk/gallery", headers=kiosk_headers(client)).json()
    (meeting,) = [m for m in body["meetings"] if m["id"] == meeting_id]
    opens = datetime.fromisoformat(meeting["checkin_opens_at"])
    closes = datetime.fromisoformat(meeting["checkin_closes_at"])
    assert datetime.fromisoformat(meeting["starts_at"]) - opens == timedelta(minutes=60)
    assert closes == datetime.fromisoformat(meeting["ends_at"])


@pytest.fixture
def narrow_client(
    database_url: str, model_cache: Path, pipeline: FacePipeline
) -> Iterator[TestClient]:
    """Check-in opens 10 minutes before the start; a clock may run 10 seconds ahead."""
    settings = Settings(
        db_url=database_url,
        admin_token=ADMIN_TOKEN,
        models=ModelSettings(cache_dir=model_cache),
        checkin=CheckinSettings(opens_before_minutes=10, max_clock_skew_seconds=10),
        allowed_hosts=["testserver"],  # the test client's Host
    )
    app = create_app(settings, pipeline_factory=lambda _s: pipeline)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(app, raise_server_exceptions=False, headers=headers) as client:
        yield client


def test_the_window_and_skew_follow_the_settings_everywhere(narrow_client: TestClient) -> None:
    client = narrow_client
    ids = create_people(client, NAMES[:1])
    soon = create_meeting(client, ids, **around_now(timedelta(minutes=30)))
    headers = kiosk_headers(client)
    body = client.get("/api/v1/kiosk/gallery", headers=headers).json()
    (meeting,) = body["meetings"]
    opens = datetime.fromisoformat(meeting["checkin_opens_at"])
    assert datetime.fromisoformat(meeting["starts_at"]) - opens == timedelta(minutes=10)
    # Thirty minutes before the start: open by the old kiosk's hour, shut by the server's ten.
    assert kiosk_post(client, headers, soon, ids[0], "k1").status_code == 403
    assert post(client, soon, ids[0], "s1").status_code == 422
    now_meeting = create_meeting(client, ids, **around_now(-timedelta(minutes=1)))
    ahead = (datetime.now(timezone.utc) + timedelta(seconds=60)).isoformat()
    response = kiosk_post(client, headers, now_meeting, ids[0], "k2", at=ahead)
    assert response.status_code == 422 and response.json()["reason"] == "CHECKIN_IN_FUTURE"
