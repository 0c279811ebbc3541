"""Bad input gets its documented 4xx with a {reason, detail} body, never a 500, no rows."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import numpy as np
import pytest
from api_support import ClientFactory, create_meeting, create_people, enroll, upload
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

Rows = Callable[[], dict[str, int]]
Send = Callable[[dict[str, Any]], httpx.Response]
ENDPOINTS = ("identify", "photos", "image-checkin")


@pytest.fixture(scope="session")
def sixty_megapixels() -> bytes:
    """7746 x 7746 grey PNG: 60 megapixels in about 70 kB, so over the pixel limit only."""
    image = Image.new("L", (7746, 7746), 200)
    ImageDraw.Draw(image).ellipse((3000, 3000, 4000, 4200), fill=90)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=9)
    return out.getvalue()


def png_without_pixels(width: int, height: int) -> bytes:
    """An RGB PNG header and an empty IDAT: Pillow opens it and knows its size."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def other_format(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 120, 40)).save(out, fmt)
    return out.getvalue()


def sender(client: TestClient, endpoint: str) -> Send:
    """Posts multipart `files` to one of the three image endpoints of a small world."""
    (person_id,) = create_people(client, ["Bùi Thị Hạnh"])
    meeting_id = create_meeting(client, [person_id])
    url, form = {
        "identify": ("/api/v1/identify", {"meeting_id": str(meeting_id)}),
        "photos": (f"/api/v1/people/{person_id}/photos", {}),
        "image-checkin": (f"/api/v1/meetings/{meeting_id}/checkins", {"source": "kiosk-1"}),
    }[endpoint]
    return lambda files: client.post(url, files=files, data=form)


def assert_error(response: httpx.Response, status: int, reasons: set[str]) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"reason", "detail"}
    assert body["reason"] in reasons
    assert body["detail"]


CASES: dict[str, tuple[int, str]] = {
    "empty-file": (422, "UNREADABLE_IMAGE"),
    "text-file": (422, "UNREADABLE_IMAGE"),
    "cut-off-jpeg": (422, "UNREADABLE_IMAGE"),
    "sixty-megapixels": (413, "IMAGE_TOO_LARGE"),
    "missing-file-field": (422, "UNREADABLE_IMAGE"),
    # Readable by Pillow, but not a format the message names (JPEG, PNG, WebP, BMP).
    "tga-file": (422, "UNREADABLE_IMAGE"),
    "tiff-file": (422, "UNREADABLE_IMAGE"),
    # 400 megapixels: past Pillow's own limit, which it checks before ours.
    "past-pillows-bomb-limit": (413, "IMAGE_TOO_LARGE"),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_bad_image_gets_its_4xx_and_writes_nothing(
    client: TestClient,
    rows: Rows,
    face_photos: list[bytes],
    sixty_megapixels: bytes,
    endpoint: str,
    case: str,
) -> None:
    send = sender(client, endpoint)
    files: dict[str, Any] = {
        "empty-file": {"file": ("empty.jpg", b"", "image/jpeg")},
        "text-file": {"file": ("notes.txt", "Biên bản họp\n".encode(), "text/plain")},
        "cut-off-jpeg": {
            "file": ("cut.jpg", face_photos[0][: len(face_photos[0]) * 2 // 5], "image/jpeg")
        },
        "sixty-megapixels": {"file": ("huge.png", sixty_megapixels, "image/png")},
        "missing-file-field": {"photo": ("a.jpg", face_photos[0], "image/jpeg")},
        "tga-file": {"file": ("a.tga", other_format("TGA"), "image/x-tga")},
        "tiff-file": {"file": ("a.tif", other_format("TIFF"), "image/tiff")},
        "past-pillows-bomb-limit": {
            "file": ("bomb.png", png_without_pixels(20_000, 20_000), "image/png")
        },
    }[case]
    before = rows()
    status, reason = CASES[case]
    assert_error(send(files), status, {reason})
    assert rows() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_upload_over_the_byte_limit_is_413_and_writes_nothing(
    make_client: ClientFactory, rows: Rows, endpoint: str
) -> None:
    limit = 200_000
    send = sender(make_client(max_upload_bytes=limit), endpoint)
    before = rows()
    noise = np.random.default_rng(7).bytes(3 * limit)
    # Just over: read and refused by the route. Far over: refused before the body is read.
    for size in (limit + 1, limit + 20_000, 3 * limit):
        response = send({"file": ("big.jpg", noise[:size], "image/jpeg")})
        assert_error(response, 413, {"IMAGE_TOO_LARGE"})
        assert "0.2 MB" in response.json()["detail"]  # the configured limit, whichever refused
    assert rows() == before


def test_pixel_limit_follows_the_settings(
    make_client: ClientFactory, rows: Rows, face_photos: list[bytes]
) -> None:
    client = make_client(max_pixels=50_000)  # the portraits are about 250 x 330 px
    (person_id,) = create_people(client, ["Bùi Thị Hạnh"])
    before = rows()
    assert_error(enroll(client, person_id, face_photos[0]), 413, {"IMAGE_TOO_LARGE"})
    response = client.post("/api/v1/identify", files={"file": ("a.jpg", face_photos[0])})
    assert_error(response, 413, {"IMAGE_TOO_LARGE"})
    assert rows() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_decode_memory_limit_follows_the_settings(
    make_client: ClientFactory, rows: Rows, endpoint: str
) -> None:
    send = sender(make_client(max_decode_bytes=1_000_000), endpoint)
    rgba = io.BytesIO()
    Image.new("RGBA", (600, 600), (90, 90, 90, 255)).save(rgba, "PNG")  # 1.44 MB decoded
    grey = io.BytesIO()
    Image.new("L", (600, 600), 90).save(grey, "PNG")  # 0.36 MB
    before = rows()
    response = send({"file": ("a.png", rgba.getvalue(), "image/png")})
    assert_error(response, 413, {"IMAGE_TOO_LARGE"})
    assert "600x600 RGBA" in response.json()["detail"]
    assert "memory" in response.json()["detail"]
    # Within the budget it is decoded, and then has no face in it.
    response = send({"file": ("b.png", grey.getvalue(), "image/png")})
    assert response.status_code in (200, 422) and response.json().get("reason") != "IMAGE_TOO_LARGE"
    assert rows() == before


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[1, 2]",
        b'{"person_id": "mot", "source": "kiosk-1", "idempotency_key": "k1"}',
        b'{"person_id": 1, "source": "kiosk-1"}',
        b'{"person_id": 1, "source": "kiosk-1", "idempotency_key": "k1", "at": "yesterday"}',
        b'{"person_id": 1, "source": "kiosk-1", "idempotency_key": "k1", "similarity": 7}',
    ],
    ids=[
        "not-json",
        "empty",
        "array",
        "id-not-a-number",
        "no-key",
        "bad-time",
        "similarity-out-of-range",
    ],
)
def test_malformed_json_checkin_is_422_and_writes_nothing(
    client: TestClient, rows: Rows, body: bytes
) -> None:
    ids = create_people(client, ["Bùi Thị Hạnh"])
    meeting_id = create_meeting(client, ids)
    before = rows()
    response = client.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 422, {"INVALID_REQUEST"})
    assert rows() == before


def test_ids_beyond_the_database_range_are_404_not_500(
    client: TestClient, rows: Rows, face_photos: list[bytes]
) -> None:
    ids = create_people(client, ["Bùi Thị Hạnh"])
    meeting_id = create_meeting(client, ids)
    huge = 2**70
    before = rows()
    calls = [
        client.get(f"/api/v1/people/{huge}"),
        client.delete(f"/api/v1/people/{huge}/templates"),
        client.post(f"/api/v1/people/{huge}/photos", files={"file": ("a.jpg", b"x")}),
        client.get(f"/api/v1/meetings/{huge}/attendance"),
        client.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": [huge]}),
        client.post("/api/v1/identify", files=upload(face_photos[0]), data={"meeting_id": huge}),
    ]
    for response in calls:
        assert_error(response, 404, {"NOT_FOUND", "UNKNOWN_PERSON"})
    assert rows() == before


def test_framework_errors_also_carry_reason_and_detail(client: TestClient, rows: Rows) -> None:
    ids = create_people(client, ["Bùi Thị Hạnh"])
    meeting_id = create_meeting(client, ids)
    before = rows()
    two_files = [("file", ("a.jpg", b"1", "image/jpeg")), ("file", ("b.jpg", b"2", "image/jpeg"))]
    response = client.post(f"/api/v1/meetings/{meeting_id}/checkins", files=two_files)
    assert_error(response, 400, {"BAD_REQUEST"})
    assert_error(client.get("/api/v1/no-such-thing"), 404, {"NOT_FOUND"})
    assert_error(client.patch("/api/v1/people"), 405, {"METHOD_NOT_ALLOWED"})
    response = client.post(
        "/api/v1/meetings",
        json={"title": "x", "starts_at": "9999-12-31T23:00:00-12:00", "ends_at": "9999-12-31"},
    )
    assert_error(response, 422, {"INVALID", "INVALID_REQUEST"})
    assert rows() == before


def test_chunked_upload_without_a_length_is_stopped_at_the_limit(
    make_client: ClientFactory, rows: Rows
) -> None:
    limit = 200_000
    client = make_client(max_upload_bytes=limit)
    (person_id,) = create_people(client, ["Bùi Thị Hạnh"])
    before = rows()
    boundary = "xYz123"

    def body() -> Iterator[bytes]:
        # A body with no Content-Length: the server must count what arrives.
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        for _ in range(100):
            yield b"\xff" * 64_000
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        f"/api/v1/people/{person_id}/photos",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert_error(response, 413, {"REQUEST_ENTITY_TOO_LARGE", "IMAGE_TOO_LARGE"})
    assert rows() == before


def test_framework_refusals_and_field_errors_read_in_both_languages_without_links(
    client: TestClient,
) -> None:
    missing = client.get("/api/v1/no-such-route")
    assert missing.status_code == 404
    assert missing.json()["detail"].startswith("Không có trang hoặc địa chỉ này.")
    wrong_method = client.delete("/api/v1/kiosk/gallery")
    assert wrong_method.status_code == 405 and "phương thức" in wrong_method.json()["detail"]
    meeting = client.post(
        "/api/v1/meetings",
        json={"title": "Giao ban", "starts_at": "2026-03-02T08:00", "ends_at": "2026-03-02T11:00"},
    ).json()
    body = client.post(f"/api/v1/meetings/{meeting['id']}/checkins", json={"person_id": 1})
    assert body.status_code == 422
    detail = body.json()["detail"]
    assert detail.startswith("Dữ liệu gửi lên không hợp lệ.") and "source" in detail
    assert "errors.pydantic.dev" not in detail and "\n" not in detail
