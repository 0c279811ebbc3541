"""An uncertain face in an image check-in waits in the queue; the secretary decides."""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from match_support import grey_similarity
from PIL import Image
from web_support import (
    ADMIN_TOKEN,
    create_meeting,
    followed,
    give_consent,
    post,
    sign_in,
    text_of,
    voting_link_on,
)

from attendance.settings import MatchSettings

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _slightly_different(photo: bytes) -> bytes:
    """The same person, another shot: resized and re-encoded, so similarity is just under 1."""
    with Image.open(io.BytesIO(photo)) as image:
        smaller = image.resize((image.width * 9 // 10, image.height * 9 // 10))
    out = io.BytesIO()
    smaller.save(out, "JPEG", quality=70)
    return out.getvalue()


def test_a_face_just_under_the_threshold_is_queued_then_confirmed(
    make_client: object, portraits: list[bytes]
) -> None:
    # Threshold 1.0: nothing is ever sure enough, so the near-identical face lands in the queue.
    client = make_client(match=MatchSettings(threshold=1.0, margin=0.0))  # type: ignore[operator]
    sign_in(client)
    person = client.post("/api/v1/people", json={"full_name": "Nguyễn Văn An"}, headers=BEARER)
    person_id = person.json()["id"]
    give_consent(client, person_id)
    enrolled = client.post(
        f"/api/v1/people/{person_id}/photos",
        files={"file": ("a.jpg", portraits[0])},
        headers=BEARER,
    )
    assert enrolled.status_code == 201, enrolled.text
    # Still running: the queue of a meeting over for a day is expired when read.
    meeting_id = create_meeting(client, ends_at="2099-03-02T11:00")
    client.put(
        f"/api/v1/meetings/{meeting_id}/participants",
        json={"person_ids": [person_id]},
        headers=BEARER,
    )
    checkin = client.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        files={"file": ("door.jpg", _slightly_different(portraits[0]))},
        headers=BEARER,
    )
    assert checkin.status_code == 200, checkin.text
    assert checkin.json()["events"] == []
    page = client.get(f"/meetings/{meeting_id}/review")
    assert "Nguyễn Văn An" in page.text
    item_id = int(re.findall(r"/review/(\d+)/crop.jpg", page.text)[0])
    crop = client.get(f"/review/{item_id}/crop.jpg")
    assert crop.headers["content-type"] == "image/jpeg" and crop.content[:2] == b"\xff\xd8"
    confirmed = followed(client, post(client, f"/review/{item_id}/confirm", {"note": ""}))
    # A secretary confirming is staff checking in: the voting member's link comes, once.
    assert confirmed.status_code == 200 and "Đã điểm danh Nguyễn Văn An" in confirmed.text
    voter = client.get("/api/v1/voter", headers=voting_link_on(confirmed))
    assert voter.status_code == 200 and voter.json()["person"]["id"] == person_id
    # No ATTEND_PUBLIC_URL, listening on 127.0.0.1: the link says phones cannot open it.
    assert (
        'class="flash warn link-reach"' in confirmed.text and "ATTEND_PUBLIC_URL" in confirmed.text
    )
    attendance = client.get(f"/api/v1/meetings/{meeting_id}/attendance").json()
    assert attendance[0]["status"] != "absent"
    assert client.get(f"/review/{item_id}/crop.jpg").status_code == 404  # biometric data gone
    audit = text_of(client.get(f"/meetings/{meeting_id}/audit").text)
    assert "admin (Chị Thu) Xác nhận nhận diện Nguyễn Văn An" in audit
    twice = post(client, f"/review/{item_id}/reject", {})
    assert twice.status_code == 409 and "đã được xử lý" in twice.text


def test_a_kiosk_sighting_waits_in_the_queue_and_confirming_checks_the_person_in(
    make_client: object,
) -> None:
    client = make_client()  # type: ignore[operator]
    sign_in(client)
    ids = [
        client.post("/api/v1/people", json={"full_name": name}, headers=BEARER).json()["id"]
        for name in ("Nguyễn Văn An", "Trần Thị Bình")
    ]
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    meeting_id = create_meeting(client, starts_at=f"{today}T00:00", ends_at=f"{today}T23:59")
    client.put(
        f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": ids}, headers=BEARER
    )
    created = client.post(
        "/api/v1/kiosk-tokens", json={"name": "cửa-A", "room": "Hội trường A"}, headers=BEARER
    )
    kiosk = {"Authorization": f"Bearer {created.json()['token']}"}
    crop = io.BytesIO()
    Image.new("RGB", (160, 160), (200, 170, 150)).save(crop, "JPEG")
    grey = grey_similarity(2, kiosk=True)  # just under a kiosk's threshold for the room's two
    form = {"candidate_id": str(ids[0]), "runner_up_id": str(ids[1]), "similarity": str(grey)}
    sighting = client.post(
        f"/api/v1/meetings/{meeting_id}/reviews",
        data=form | {"margin": "0.2", "source": "kiosk:cửa-A", "idempotency_key": "cửa-A:1"},
        files={"crop": ("face.jpg", crop.getvalue(), "image/jpeg")},
        headers=kiosk,
    )
    assert sighting.status_code == 201, sighting.text
    page = client.get(f"/meetings/{meeting_id}/review")
    assert "Nguyễn Văn An" in page.text and "máy điểm danh cửa-A" in page.text  # said in words
    assert f"{grey:.2f}" in page.text and "Trần Thị Bình" in page.text  # the runner-up, to compare
    item_id = sighting.json()["review_id"]
    shown = client.get(f"/review/{item_id}/crop.jpg")
    assert shown.status_code == 200 and shown.content[:2] == b"\xff\xd8"
    # He was handed his voting link before he came: confirming him keeps it working.
    handed = client.post(
        f"/api/v1/meetings/{meeting_id}/voting-passes", json={"person_id": ids[0]}, headers=BEARER
    )
    held = {"Authorization": f"Bearer {handed.json()['token']}"}
    answer = post(client, f"/review/{item_id}/confirm", {"note": ""})
    assert answer.status_code == 303 and "vp_" not in answer.headers["location"]
    confirmed = client.get(answer.headers["location"])
    assert confirmed.status_code == 200 and "Đã điểm danh Nguyễn Văn An" in confirmed.text
    assert "Đã cấp liên kết trước" in text_of(confirmed.text) and "/vote#vp_" not in confirmed.text
    voter = client.get("/api/v1/voter", headers=held)
    assert voter.status_code == 200 and voter.json()["voting_status"] == "present"
    # The confirm address opened later (history): the queue, not 405.
    later = client.get(f"/review/{item_id}/confirm", follow_redirects=False)
    assert (
        later.status_code == 303 and later.headers["location"] == f"/meetings/{meeting_id}/review"
    )
    attendance = client.get(f"/api/v1/meetings/{meeting_id}/attendance", headers=BEARER).json()
    status = {row["person"]["id"]: row["status"] for row in attendance}
    assert status[ids[0]] != "absent" and status[ids[1]] == "absent"
    assert client.get(f"/review/{item_id}/crop.jpg").status_code == 404  # biometric data gone


def test_the_review_page_shows_the_candidates_enrolled_face_beside_the_face_seen(
    client: TestClient, portraits: list[bytes]
) -> None:
    sign_in(client)
    person = client.post(
        "/api/v1/people", json={"full_name": "Nguyễn Văn An"}, headers=BEARER
    ).json()["id"]
    give_consent(client, person)
    enrolled = client.post(
        f"/api/v1/people/{person}/photos", files={"file": ("an.jpg", portraits[0])}, headers=BEARER
    )
    assert enrolled.status_code == 201, enrolled.text
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    meeting_id = create_meeting(client, starts_at=f"{today}T00:00", ends_at=f"{today}T23:59")
    client.put(
        f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": [person]}, headers=BEARER
    )
    crop = io.BytesIO()
    Image.new("RGB", (160, 160), (200, 170, 150)).save(crop, "JPEG")
    form = {"candidate_id": str(person), "similarity": str(grey_similarity(1))}
    queued = client.post(
        f"/api/v1/meetings/{meeting_id}/reviews",
        data=form | {"source": "upload", "idempotency_key": "k1"},
        files={"crop": ("face.jpg", crop.getvalue(), "image/jpeg")},
        headers=BEARER,
    )
    assert queued.status_code == 201, queued.text
    page = client.get(f"/meetings/{meeting_id}/review").text
    template = enrolled.json()["template_id"]
    assert f"/api/v1/people/{person}/templates/{template}/crop" in page
    assert "Ảnh đã đăng ký của Nguyễn Văn An" in page
    assert client.get(f"/api/v1/people/{person}/templates/{template}/crop").status_code == 200
