"""A photo check-in says what became of every face: checked in, already in, sent to review."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from api_support import (
    NAMES,
    ClientFactory,
    create_meeting,
    create_people,
    enroll,
    jpeg,
    query,
    upload,
)
from fastapi.testclient import TestClient
from PIL import Image

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.review.service import confirm_review, reject_review
from attendance.settings import MatchSettings

Rows = Callable[[], dict[str, int]]


def happening_now() -> dict[str, str]:
    now = datetime.now(timezone.utc)
    return {
        "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
    }


def another_shot(photo: bytes) -> bytes:
    """The same person, another shot: resized and re-encoded, similarity just under 1."""
    with Image.open(io.BytesIO(photo)) as image:
        smaller = image.resize((image.width * 9 // 10, image.height * 9 // 10))
    out = io.BytesIO()
    smaller.save(out, "JPEG", quality=70)
    return out.getvalue()


def review_items(db_url: str) -> list[tuple[int, int, str]]:
    return query(db_url, "SELECT id, candidate_id, status FROM review_items ORDER BY id")


def post_photo(client: TestClient, meeting_id: int, data: bytes, **form: str) -> Any:
    return client.post(f"/api/v1/meetings/{meeting_id}/checkins", files=upload(data), data=form)


def test_a_face_sent_to_review_is_in_the_answer_and_the_same_photo_again_asks_nothing_more(
    make_client: ClientFactory, face_photos: list[bytes], database_url: str
) -> None:
    # Threshold 1.0: nothing is sure enough, the same person's other shot is a grey-zone face.
    client = make_client(match=MatchSettings(threshold=1.0, margin=0.0))
    [person_id] = create_people(client, NAMES[:1])
    assert enroll(client, person_id, face_photos[0]).status_code == 201
    meeting_id = create_meeting(client, [person_id], **happening_now())
    photo = another_shot(face_photos[0])

    first = post_photo(client, meeting_id, photo, source="camera-hall")
    assert first.status_code == 200, first.text  # nothing checked in
    body = first.json()
    assert body["events"] == []
    [face] = body["faces"]
    [review] = body["reviews"]
    assert face["outcome"] == "sent_to_review" and face["event_id"] is None
    assert face["review_id"] == review["review_id"] > 0
    assert review["face"] == 0 and review["status"] == "pending" and review["created"] is True
    assert review["candidate"] == {"id": person_id, "full_name": NAMES[0]}
    assert review["decision"] == "unknown" and 0.9 < review["similarity"] < 1.0
    assert "thư ký xác nhận" in face["message"] and NAMES[0] in face["message"]
    assert f"item {review['review_id']}" in face["message"]
    assert review_items(database_url) == [(review["review_id"], person_id, "pending")]

    again = post_photo(client, meeting_id, photo, source="camera-hall")
    assert again.status_code == 200, again.text
    repeated = again.json()
    assert repeated["faces"] == body["faces"]
    assert repeated["reviews"] == [{**review, "created": False}]
    assert len(review_items(database_url)) == 1


@pytest.mark.parametrize("answer", ["confirm", "reject"])
def test_the_same_photo_after_the_secretary_answered_says_what_they_decided(
    make_client: ClientFactory, face_photos: list[bytes], database_url: str, answer: str
) -> None:
    client = make_client(match=MatchSettings(threshold=1.0, margin=0.0))
    [person_id] = create_people(client, NAMES[:1])
    assert enroll(client, person_id, face_photos[0]).status_code == 201
    meeting_id = create_meeting(client, [person_id], **happening_now())
    photo = another_shot(face_photos[0])
    [review] = post_photo(client, meeting_id, photo, source="camera-hall").json()["reviews"]
    engine = make_engine(database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            if answer == "confirm":
                event_id = confirm_review(
                    session, item_id=review["review_id"], actor="Hà"
                ).arrival.event.id
            else:
                reject_review(session, item_id=review["review_id"], actor="Hà")
    finally:
        engine.dispose()

    again = post_photo(client, meeting_id, photo, source="camera-hall").json()
    [face] = again["faces"]
    assert again["reviews"][0]["status"] == ("confirmed" if answer == "confirm" else "rejected")
    assert len(review_items(database_url)) == 1
    if answer == "confirm":
        assert face["outcome"] == "checked_in" and face["event_id"] == event_id
        assert face["message"].startswith(f"Thư ký đã xác nhận (mục số {review['review_id']})")
        assert f"{NAMES[0]} checked in" in face["message"]
    else:
        assert face["outcome"] == "not_checked_in" and face["event_id"] is None
        assert "Thư ký đã bác bỏ" in face["message"] and "not checked in" in face["message"]
    assert "sent to the secretary" not in face["message"]


def test_each_face_of_a_group_photo_says_checked_in_already_in_or_not_on_the_roster(
    client: TestClient, enrolled: list[int], t1_image: Image.Image
) -> None:
    meeting_id = create_meeting(client, enrolled[:5], **happening_now())
    data = jpeg(t1_image)
    first = post_photo(client, meeting_id, data, idempotency_key="door-1")
    assert first.status_code == 201, first.text
    faces = first.json()["faces"]
    events = {e["id"]: e for e in first.json()["events"]}
    assert sorted(f["outcome"] for f in faces) == ["checked_in"] * 5 + ["not_checked_in"]
    for face in faces:
        if face["outcome"] == "checked_in":
            event = events[face["event_id"]]
            assert event["person"] == face["person"]
            name = face["person"]["full_name"]
            assert face["message"] == f"Đã điểm danh {name}. {name} checked in."
        else:
            assert face["decision"] == "not_on_roster" and face["event_id"] is None
            assert "không có trong danh sách" in face["message"]
            assert "not on this meeting's roster" in face["message"]
    assert first.json()["reviews"] == []

    # Another camera, another key, the same people: they were in already, and at what time.
    later = post_photo(client, meeting_id, data, idempotency_key="door-2")
    assert later.status_code == 200, later.text
    outcomes = sorted(f["outcome"] for f in later.json()["faces"])
    assert outcomes == ["already_checked_in"] * 5 + ["not_checked_in"]
    again = {f["event_id"] for f in later.json()["faces"]} - {None}
    assert again == set(events)
    assert all(
        "was already checked in at" in f["message"] for f in later.json()["faces"] if f["event_id"]
    )


def test_the_openapi_document_describes_the_photo_answer(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    answer = schemas["ImageCheckinRead"]["properties"]
    assert {"events", "faces", "reviews"} <= set(answer)
    face = schemas["CheckinFaceRead"]["properties"]
    assert face["outcome"]["enum"] == [
        "checked_in",
        "already_checked_in",
        "sent_to_review",
        "not_checked_in",
    ]
    assert "review_id" in face and "sent_to_review" in face["outcome"]["description"]


@pytest.mark.parametrize("caller", ["kiosk", "teacher"])
def test_a_kiosk_s_or_teacher_s_photo_does_not_name_a_face_off_the_roster_and_the_office_s_does(
    client: TestClient, enrolled: list[int], t1_image: Image.Image, database_url: str, caller: str
) -> None:
    """An enrolled face off the roster (a child of another class, say): a kiosk or the
    meeting's teacher learns only that it is not on the list; the admin, who may read the
    register, learns who it is."""
    from permission_support import account_id, add_account
    from test_api_kiosk import ROOM, kiosk_headers

    from attendance.permissions import TEACHER

    meeting_id = create_meeting(client, enrolled[:5], room=ROOM, **happening_now())
    if caller == "kiosk":
        headers = kiosk_headers(client)
    else:
        db_url = database_url
        headers = {"Authorization": f"Bearer {add_account(db_url, 'co_lan', TEACHER)}"}
        staff = {"account_ids": [account_id(db_url, "co_lan")]}
        assert client.put(f"/api/v1/meetings/{meeting_id}/staff", json=staff).status_code == 200
    outsider = NAMES[5]
    data = jpeg(t1_image)
    answer = client.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        files=upload(data),
        data={"source": caller, "idempotency_key": f"door-{caller}"},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    [off] = [f for f in answer.json()["faces"] if f["decision"] == "not_on_roster"]
    assert off["candidate"] is None and off["person"] is None
    assert "không có trong danh sách" in off["message"] and "not on this" in off["message"]
    assert outsider not in answer.text
    office = post_photo(client, meeting_id, data, idempotency_key="door-office")
    [off] = [f for f in office.json()["faces"] if f["decision"] == "not_on_roster"]
    assert off["candidate"]["full_name"] == outsider and outsider in off["message"]
