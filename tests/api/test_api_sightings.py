"""A kiosk's uncertain face: sent to the review queue once, within the kiosk's scope."""

from __future__ import annotations

import io
from typing import Any

import httpx
import numpy as np
import pytest
from api_support import create_meeting, create_people, query
from fastapi.testclient import TestClient
from match_support import grey_similarity
from PIL import Image
from test_api_kiosk import ROOM, kiosk_headers, today_at

from kiosk.client import KioskClient, TokenRefused
from kiosk.outbox import Outcome
from kiosk.sighting_outbox import SightingEvent

# The room's invitees are two (the `meeting` fixture): a similarity just under the threshold
# for two people searched is in the grey zone (0.08 under it).
GREY = grey_similarity(2, kiosk=True)


def crop_jpeg(side: int = 160, seed: int = 0) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 255, (side, side, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=90)
    return out.getvalue()


def sighting(candidate: int, key: str = "cửa-A:1:t1", **fields: Any) -> dict[str, Any]:
    return {
        "candidate_id": str(candidate),
        "similarity": str(GREY),
        "margin": "0.2",
        "source": "kiosk:cửa-A",
        "idempotency_key": key,
    } | {k: str(v) for k, v in fields.items()}


def post(
    client: TestClient,
    meeting_id: int,
    form: dict[str, Any],
    headers: dict[str, str],
    crop: bytes | None = None,
) -> httpx.Response:
    files = {"crop": ("face.jpg", crop if crop is not None else crop_jpeg(), "image/jpeg")}
    return client.post(
        f"/api/v1/meetings/{meeting_id}/reviews", data=form, files=files, headers=headers
    )


@pytest.fixture
def people(client: TestClient) -> list[int]:
    return create_people(client, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"])


@pytest.fixture
def meeting(client: TestClient, people: list[int]) -> int:
    """Today in the kiosk's room, with the first two people invited."""
    return create_meeting(
        client, people[:2], room=ROOM, starts_at=today_at(0), ends_at=today_at(23, minute=59)
    )


def queued(db_url: str, meeting_id: int) -> list[tuple[Any, ...]]:
    """(candidate, runner-up, status, crop bytes) of the meeting's review items, in order."""
    return query(
        db_url,
        "SELECT candidate_id, runner_up_id, status, length(crop_jpeg) FROM review_items "
        "WHERE meeting_id = :meeting ORDER BY id",
        meeting=meeting_id,
    )


def test_a_kiosk_sighting_is_queued_once_per_key(
    client: TestClient, people: list[int], meeting: int, database_url: str
) -> None:
    kiosk = kiosk_headers(client)
    first = post(client, meeting, sighting(people[0], runner_up_id=people[1]), kiosk)
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True and first.json()["review_id"] > 0
    again = post(client, meeting, sighting(people[0], runner_up_id=people[1]), kiosk)
    assert again.status_code == 200, again.text
    assert again.json() == {"review_id": first.json()["review_id"], "created": False}
    other = post(client, meeting, sighting(people[0], key="cửa-A:1:t2"), kiosk)
    assert other.status_code == 201 and other.json()["review_id"] != first.json()["review_id"]
    (a, b) = queued(database_url, meeting)
    assert a[:3] == (people[0], people[1], "pending") and b[:3] == (people[0], None, "pending")
    assert 0 < a[3] < 200_000  # the crop, encoded again
    attendance = client.get(f"/api/v1/meetings/{meeting}/attendance").json()
    assert {row["status"] for row in attendance} == {"absent"}  # a sighting checks no one in


def test_the_same_key_for_another_face_is_a_conflict(
    client: TestClient, people: list[int], meeting: int
) -> None:
    kiosk = kiosk_headers(client)
    assert post(client, meeting, sighting(people[0]), kiosk).status_code == 201
    response = post(client, meeting, sighting(people[1]), kiosk)
    assert response.status_code == 409 and response.json()["reason"] == "IDEMPOTENCY_KEY_REUSED"


def test_a_sighting_for_another_rooms_or_days_meeting_is_refused(
    client: TestClient, people: list[int]
) -> None:
    elsewhere = create_meeting(
        client,
        people[:2],
        room="Hội trường",
        starts_at=today_at(0),
        ends_at=today_at(23, minute=59),
    )
    tomorrow = create_meeting(
        client, people[:2], room=ROOM, starts_at=today_at(8, 1), ends_at=today_at(11, 1)
    )
    kiosk = kiosk_headers(client)
    for meeting_id in (elsewhere, tomorrow):
        response = post(client, meeting_id, sighting(people[0]), kiosk)
        assert response.status_code == 403 and response.json()["reason"] == "FORBIDDEN"
    # The admin's token is not bound to a room (and is judged at a photo's rate, not a kiosk's).
    admin_grey = grey_similarity(2)
    assert (
        post(client, elsewhere, sighting(people[0], similarity=admin_grey), {}).status_code == 201
    )


def test_a_sighting_of_someone_not_on_the_roster_is_refused(
    client: TestClient, people: list[int], meeting: int
) -> None:
    response = post(client, meeting, sighting(people[2]), kiosk_headers(client))
    assert response.status_code == 403 and response.json()["reason"] == "NOT_ON_ROSTER"
    assert "không có trong danh sách" in response.json()["detail"]
    unknown = post(client, meeting, sighting(10_000), kiosk_headers(client, name="cửa-B"))
    assert unknown.status_code == 404


def test_a_face_the_servers_rule_would_not_queue_is_refused(
    client: TestClient, people: list[int], meeting: int
) -> None:
    kiosk = kiosk_headers(client)
    for n, similarity in enumerate((0.2, 0.9)):  # a stranger; a clear match
        form = sighting(people[0], key=f"k{n}", similarity=similarity)
        response = post(client, meeting, form, kiosk)
        assert response.status_code == 422 and response.json()["reason"] == "NOT_UNCERTAIN"
    # Two people too close to call, even above the threshold: a secretary decides.
    close = sighting(people[0], key="k3", similarity=0.9, margin=0.01, runner_up_id=people[1])
    assert post(client, meeting, close, kiosk).status_code == 201


def test_a_crop_too_big_is_refused_with_413(
    client: TestClient, people: list[int], meeting: int
) -> None:
    kiosk = kiosk_headers(client)
    heavy = crop_jpeg(side=256) + b"\0" * 200_000  # within the sides, over 200 kB
    response = post(client, meeting, sighting(people[0]), kiosk, crop=heavy)
    assert response.status_code == 413 and response.json()["reason"] == "IMAGE_TOO_LARGE"
    wide = post(client, meeting, sighting(people[0]), kiosk, crop=crop_jpeg(side=300))
    assert wide.status_code == 413 and "300x300" in wide.json()["detail"]


def test_a_crop_that_is_not_an_image_is_refused_with_422(
    client: TestClient, people: list[int], meeting: int
) -> None:
    kiosk = kiosk_headers(client)
    response = post(client, meeting, sighting(people[0]), kiosk, crop=b"not a jpeg at all")
    assert response.status_code == 422 and response.json()["reason"] == "UNREADABLE_IMAGE"
    missing = client.post(
        f"/api/v1/meetings/{meeting}/reviews", data=sighting(people[0]), headers=kiosk
    )
    assert missing.status_code == 422 and missing.json()["reason"] == "INVALID_REQUEST"


@pytest.mark.parametrize(
    "field, value",
    [
        ("similarity", "1.5"),
        ("similarity", "nan"),
        ("candidate_id", "An"),
        ("margin", "9"),
        ("idempotency_key", "k" * 151),
    ],
)
def test_bad_fields_are_refused_with_422(
    client: TestClient, people: list[int], meeting: int, field: str, value: str
) -> None:
    form = sighting(people[0]) | {field: value}
    response = post(client, meeting, form, kiosk_headers(client))
    assert response.status_code == 422 and response.json()["reason"] == "INVALID_REQUEST"


def test_a_sighting_of_someone_already_checked_in_queues_nothing(
    client: TestClient, people: list[int], meeting: int, database_url: str
) -> None:
    kiosk = kiosk_headers(client)
    checkin = {"person_id": people[0], "source": "kiosk", "idempotency_key": "k:in"}
    arrived = client.post(f"/api/v1/meetings/{meeting}/checkins", json=checkin, headers=kiosk)
    assert arrived.status_code == 201, arrived.text
    response = post(client, meeting, sighting(people[0]), kiosk)
    assert response.status_code == 200 and response.json() == {"review_id": None, "created": False}
    assert queued(database_url, meeting) == []


def test_the_kiosk_client_delivers_a_sighting(
    client: TestClient, people: list[int], meeting: int
) -> None:
    token = kiosk_headers(client)["Authorization"].removeprefix("Bearer ")
    # The in-process app as the kiosk's server: the real client, route and database.
    transport = client._transport  # type: ignore[attr-defined]
    kiosk = KioskClient("http://testserver", token, source="kiosk:cửa-A", transport=transport)
    event = SightingEvent(
        idempotency_key="cửa-A:1:2:t4:1700000000",
        meeting_id=meeting,
        candidate_id=people[0],
        runner_up_id=people[1],
        similarity=GREY,
        margin=0.2,
        at=today_at(9),
        crop_jpeg=crop_jpeg(),
    )
    assert kiosk.send_sighting(event).outcome is Outcome.DELIVERED
    assert kiosk.send_sighting(event).outcome is Outcome.DELIVERED  # the same key: a no-op
    refused = kiosk.send_sighting(
        SightingEvent(**(event.__dict__ | {"idempotency_key": "x", "candidate_id": people[2]}))
    )
    assert refused.outcome is Outcome.REJECTED and "NOT_ON_ROSTER" in refused.message


def test_a_kiosk_with_a_revoked_token_is_told_so_in_both_languages(client: TestClient) -> None:
    created = client.post("/api/v1/kiosk-tokens", json={"name": "cửa-C", "room": ROOM}).json()
    assert client.delete(f"/api/v1/kiosk-tokens/{created['id']}").status_code in (200, 204)
    transport = client._transport  # type: ignore[attr-defined]
    kiosk = KioskClient("http://testserver", created["token"], transport=transport)
    with pytest.raises(TokenRefused) as refused:
        kiosk.gallery(model="fake", etag=None)
    assert "đã thu hồi hoặc sai" in str(refused.value) and "revoked or wrong" in str(refused.value)
