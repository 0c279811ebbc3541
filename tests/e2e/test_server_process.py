"""The installed `attendance serve` over real HTTP: enroll, check in, attendance, tokens."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import insightface
import pytest
from e2e_server import StartServer
from PIL import Image, ImageEnhance, ImageOps
from sql_support import fetch, scalar

pytestmark = pytest.mark.slow

T1_PATH = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"
TOKEN = "e2e-admin-token-0123456789abcdef"
NAMES = (
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hoàng Cường",
    "Phạm Minh Dũng",
    "Đặng Thị Giang",
    "Võ Quốc Hùng",
)
TOKEN_LINE = re.compile(r"Admin token \(shown only once\):\s*\n\s*(\S+)")


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def altered(image: Image.Image, *, mirror: bool, brightness: float, scale: float) -> bytes:
    changed = ImageOps.mirror(image) if mirror else image
    changed = ImageEnhance.Brightness(changed).enhance(brightness)
    size = (round(changed.width * scale), round(changed.height * scale))
    return jpeg(changed.resize(size, Image.Resampling.BICUBIC))


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def arrived_events(database_url: str) -> int:
    return int(
        scalar(database_url, "SELECT count(*) FROM attendance_events WHERE kind = 'arrived'")
    )


def enroll_t1_people(api: httpx.Client, t1: Image.Image) -> list[int]:
    """Enroll the six people of t1.jpg (NAMES, left to right) from portraits cut out of it."""
    # With nobody enrolled, /identify still finds the faces: crop each as a portrait.
    faces = ok(api.post("/api/v1/identify", files={"file": ("t1.jpg", T1_PATH.read_bytes())}))
    boxes = sorted((f["box"] for f in faces["faces"]), key=lambda box: box[0])
    assert len(boxes) == 6
    ids = []
    for name, (x, y, w, h) in zip(NAMES, boxes):
        person = ok(api.post("/api/v1/people", json={"full_name": name}), 201)
        portrait = t1.crop((max(0, x - w), max(0, y - h), x + 2 * w, y + 2 * h))
        files = {"file": ("portrait.jpg", jpeg(portrait), "image/jpeg")}
        consent = {"given_by": name, "relation": "self", "purposes": ["meetings"]}
        consent["method"] = "paper_form"
        ok(api.post(f"/api/v1/people/{person['id']}/consents", json=consent), 201)
        ok(api.post(f"/api/v1/people/{person['id']}/photos", files=files), 201)
        ids.append(person["id"])
    return ids


def test_served_app_checks_in_six_people_from_an_altered_group_photo_once(
    database_url: str, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    t1 = Image.open(T1_PATH).convert("RGB")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as api:
        ids = enroll_t1_people(api, t1)

        now = datetime.now(timezone.utc)
        meeting = {
            "title": "Họp giao ban",
            "starts_at": (now - timedelta(minutes=5)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
        }
        meeting_id = ok(api.post("/api/v1/meetings", json=meeting), 201)["id"]
        ok(api.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": ids}))

        url = f"/api/v1/meetings/{meeting_id}/checkins"
        group = altered(t1, mirror=True, brightness=1.2, scale=0.8)
        first = ok(api.post(url, files={"file": ("g.jpg", group, "image/jpeg")}), 201)
        assert sorted(e["person"]["full_name"] for e in first["events"]) == sorted(NAMES)
        board = ok(api.get(f"/api/v1/meetings/{meeting_id}/attendance"))
        assert {r["person"]["full_name"]: r["status"] for r in board} == dict.fromkeys(
            NAMES, "present"
        )
        assert arrived_events(database_url) == 6

        other = altered(t1, mirror=False, brightness=0.8, scale=0.9)
        for image in (group, other):
            again = ok(api.post(url, files={"file": ("g.jpg", image, "image/jpeg")}))
            assert len(again["events"]) == 6
            assert not any(e["created"] for e in again["events"])
        assert arrived_events(database_url) == 6
        assert ok(api.get(f"/api/v1/meetings/{meeting_id}/attendance")) == board


def people_status(url: str, token: str) -> int:
    response = httpx.get(f"{url}/api/v1/people", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


def test_generated_admin_token_is_printed_once_and_survives_a_restart(
    empty_database_url: str, start_server: StartServer, tmp_path: Path
) -> None:
    database_url = empty_database_url  # a first start: the server makes the tables itself
    first = start_server(database_url, None)
    printed = TOKEN_LINE.findall(first.stdout)
    assert len(printed) == 1, first.stdout
    token = printed[0]
    assert len(token) >= 32
    assert people_status(first.url, token) == 200
    assert people_status(first.url, "not-the-token") == 401
    first.stop()
    stored = fetch(database_url, "SELECT token_sha256 FROM api_tokens")
    assert len(stored) == 1 and token not in stored[0][0]

    second = start_server(database_url, None)
    assert "Admin token" not in second.stdout
    assert token not in second.stdout
    assert people_status(second.url, token) == 200
