"""People and their photos: search, enrollment, the quality gate, duplicates and erasure."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from api_support import (
    NAMES,
    T1_PATH,
    ClientFactory,
    create_people,
    crop_face,
    enroll,
    identify,
    jpeg,
    template_count,
)
from fastapi.testclient import TestClient
from PIL import Image, ImageFilter

from models.types import DetectedFace

Rows = Callable[[], dict[str, int]]


def names_found(client: TestClient, query: str) -> list[str]:
    response = client.get("/api/v1/people", params={"q": query})
    assert response.status_code == 200, response.text
    return [p["full_name"] for p in response.json()]


def test_create_person_returns_201_with_its_fields(client: TestClient) -> None:
    body = {"full_name": "Đặng Thị Giang", "code": "NV-005", "unit": "Phòng Tài vụ"}
    response = client.post("/api/v1/people", json={**body, "title": "Kế toán trưởng"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert isinstance(created["id"], int)
    assert created | body == created
    assert client.get(f"/api/v1/people/{created['id']}").json()["templates"] == 0


def test_search_ignores_diacritics_and_case(client: TestClient) -> None:
    create_people(client, [*NAMES, "Nguyễn Văn Anh"])
    assert names_found(client, "nguyen van an") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert names_found(client, "NGUYỄN VĂN ANH") == ["Nguyễn Văn Anh"]
    assert names_found(client, "dang") == ["Đặng Thị Giang"]
    assert names_found(client, "Đặng") == ["Đặng Thị Giang"]
    assert names_found(client, "thi") == ["Trần Thị Bình", "Đặng Thị Giang"]  # Bình < Giang
    assert names_found(client, "cuong le") == ["Lê Hoàng Cường"]
    assert names_found(client, "nobody") == []
    assert len(names_found(client, "")) == len(NAMES) + 1


def test_six_people_enroll_from_crops_of_t1_with_quality_figures(
    client: TestClient, face_photos: list[bytes], rows: Rows
) -> None:
    ids = create_people(client)
    for person_id, data in zip(ids, face_photos):
        response = enroll(client, person_id, data)
        assert response.status_code == 201, response.text
        body = response.json()
        assert isinstance(body["template_id"], int)
        quality = body["quality"]
        assert quality["det_score"] > 0.6
        assert quality["face_px"] > 60
        assert quality["sharpness"] > 40
        assert quality["brightness"] > 40
        assert 0 <= quality["yaw"] < 3
        assert template_count(client, person_id) == 1
    assert rows()["face_templates"] == 6


def test_same_photo_again_is_idempotent(
    client: TestClient, face_photos: list[bytes], rows: Rows
) -> None:
    (person_id,) = create_people(client, NAMES[:1])
    first = enroll(client, person_id, face_photos[0])
    again = enroll(client, person_id, face_photos[0])
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["template_id"] == first.json()["template_id"]
    assert again.json()["quality"] == first.json()["quality"]
    assert rows()["face_templates"] == 1


def gradient() -> Image.Image:
    ramp = np.tile(np.linspace(0, 255, 400, dtype=np.float32), (300, 1)).astype(np.uint8)
    return Image.fromarray(ramp).convert("RGB")


def shrunk(image: Image.Image, face: DetectedFace, face_px: int) -> Image.Image:
    portrait = crop_face(image, face)
    scale = face_px / face.box[2]
    size = (round(portrait.width * scale), round(portrait.height * scale))
    return portrait.resize(size, Image.Resampling.LANCZOS)


Build = Callable[[Image.Image, list[DetectedFace]], bytes]
REJECTIONS: dict[str, tuple[str, Build]] = {
    "gradient": ("NO_FACE", lambda t1, faces: jpeg(gradient())),
    "table-of-t1": ("NO_FACE", lambda t1, faces: jpeg(t1.crop((0, 700, t1.width, t1.height)))),
    "whole-t1": ("MULTIPLE_FACES", lambda t1, faces: T1_PATH.read_bytes()),
    "face-30px": ("FACE_TOO_SMALL", lambda t1, faces: jpeg(shrunk(t1, faces[0], 30))),
    "gaussian-blur": (
        "TOO_BLURRY",
        lambda t1, faces: jpeg(crop_face(t1, faces[0]).filter(ImageFilter.GaussianBlur(6))),
    ),
    "dark": (
        "TOO_DARK",
        lambda t1, faces: jpeg(crop_face(t1, faces[0]).point(lambda v: v // 10)),
    ),
}


@pytest.mark.parametrize("case", sorted(REJECTIONS))
def test_photo_is_rejected_with_its_reason_and_nothing_stored(
    client: TestClient,
    t1_image: Image.Image,
    t1_faces: list[DetectedFace],
    rows: Rows,
    case: str,
) -> None:
    reason, build = REJECTIONS[case]
    (person_id,) = create_people(client, NAMES[:1])
    before = rows()
    response = enroll(client, person_id, build(t1_image, t1_faces))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["reason"] == reason
    assert body["detail"]
    assert rows() == before
    assert template_count(client, person_id) == 0


def test_face_of_someone_else_is_refused_as_duplicate_unless_confirmed(
    client: TestClient, face_photos: list[bytes], rows: Rows
) -> None:
    an, binh = create_people(client, NAMES[:2])
    assert enroll(client, an, face_photos[0]).status_code == 201
    refused = enroll(client, binh, face_photos[0])
    assert refused.status_code == 422, refused.text
    assert refused.json()["reason"] == "DUPLICATE_PERSON"
    assert NAMES[0] in refused.json()["detail"]
    assert template_count(client, binh) == 0
    assert rows()["face_templates"] == 1

    confirmed = enroll(client, binh, face_photos[0], confirm_different_person="true")
    assert confirmed.status_code == 201, confirmed.text
    assert template_count(client, binh) == 1
    assert rows()["face_templates"] == 2


def test_small_background_face_in_a_portrait_is_not_multiple_faces(
    client: TestClient, t1_image: Image.Image, t1_faces: list[DetectedFace], rows: Rows
) -> None:
    portrait = crop_face(t1_image, t1_faces[1])
    portrait = portrait.resize((600, round(600 * portrait.height / portrait.width)))
    bystander = crop_face(t1_image, t1_faces[3], margin=0.3)
    bystander = bystander.resize((bystander.width // 2, bystander.height // 2))
    portrait.paste(
        bystander, (portrait.width - bystander.width, portrait.height - bystander.height)
    )
    data = jpeg(portrait)
    assert len(identify(client, data)) == 2  # the detector does see the bystander
    (person_id,) = create_people(client, NAMES[1:2])
    response = enroll(client, person_id, data)
    assert response.status_code == 201, response.text
    assert response.json()["quality"]["face_px"] > 150  # the portrait's face, not the bystander
    assert rows()["face_templates"] == 1


def test_erasing_templates_deletes_them_and_the_face_no_longer_matches(
    client: TestClient, enrolled: list[int], rows: Rows
) -> None:
    gone = enrolled[2]
    response = client.delete(f"/api/v1/people/{gone}/templates")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer.pop("erased_at")  # when it was done
    assert answer == {"person_id": gone, "erased": 1}
    assert template_count(client, gone) == 0
    assert rows()["face_templates"] == 5
    assert rows()["people"] == 6

    faces = identify(client, T1_PATH.read_bytes())
    matched = {f["person"]["full_name"] for f in faces if f["decision"] == "match"}
    assert matched == set(NAMES) - {NAMES[2]}
    assert all(f["candidate"]["id"] != gone for f in faces)

    again = client.delete(f"/api/v1/people/{gone}/templates")
    assert again.json()["erased"] == 0


def test_a_photo_decoded_smaller_reports_its_face_in_the_photos_pixels(
    make_client: ClientFactory, t1_image: Image.Image, t1_faces: list[DetectedFace]
) -> None:
    # The gate's face size is what the sender's photo has, whatever size it was decoded at.
    portrait = crop_face(t1_image, t1_faces[1])
    big = portrait.resize((portrait.width * 4, portrait.height * 4), Image.Resampling.BICUBIC)
    assert max(big.size) > 2 * 480
    full, reduced = make_client(), make_client(max_decode_side=480)
    first, second = create_people(full, ["Người một", "Người hai"])
    at_full = enroll(full, first, jpeg(big))
    at_480 = enroll(reduced, second, jpeg(big), confirm_different_person="true")
    assert at_full.status_code == at_480.status_code == 201, (at_full.text, at_480.text)
    full_px, reduced_px = (r.json()["quality"]["face_px"] for r in (at_full, at_480))
    assert full_px > 4 * 60 and reduced_px == pytest.approx(full_px, rel=0.05)
