"""A person's photos one by one: choosing the face of a group photo, crops, deleting one."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from api_support import NAMES, T1_PATH, create_people, crop_face, enroll, identify, jpeg
from fastapi.testclient import TestClient
from PIL import Image

from models.types import DetectedFace

Rows = Callable[[], dict[str, int]]


def centre_of(box: list[float]) -> np.ndarray:
    return np.array([box[0] + box[2] / 2, box[1] + box[3] / 2])


def test_a_group_photo_lists_every_face_and_face_index_enrolls_the_one_chosen(
    client: TestClient, t1_faces: list[DetectedFace], rows: Rows
) -> None:
    (person_id,) = create_people(client, NAMES[3:4])
    refused = enroll(client, person_id, T1_PATH.read_bytes())
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["reason"] == "MULTIPLE_FACES"
    assert "face_index" in body["detail"]
    listed = body["faces"]
    assert [f["index"] for f in listed] == list(range(6))
    # Dũng is t1's fourth face from the left: find his box in the list, by its centre.
    dung = np.array([t1_faces[3].box[0] + t1_faces[3].box[2] / 2, t1_faces[3].box[1] + 40])
    index = int(np.argmin([np.linalg.norm(centre_of(f["box"]) - dung) for f in listed]))
    assert rows()["face_templates"] == 0

    chosen = enroll(client, person_id, T1_PATH.read_bytes(), face_index=str(index))
    assert chosen.status_code == 201, chosen.text
    assert chosen.json()["face_index"] == index
    assert chosen.json()["box"] == pytest.approx(listed[index]["box"], abs=0.2)
    faces = identify(client, T1_PATH.read_bytes())
    matched = [f for f in faces if f["decision"] == "match"]
    assert len(matched) == 1 and matched[0]["person"]["id"] == person_id
    assert np.linalg.norm(centre_of(matched[0]["box"]) - centre_of(listed[index]["box"])) < 5


def test_a_face_index_past_the_faces_is_refused_and_nothing_stored(
    client: TestClient, rows: Rows
) -> None:
    (person_id,) = create_people(client, NAMES[:1])
    refused = enroll(client, person_id, T1_PATH.read_bytes(), face_index="6")
    assert refused.status_code == 422, refused.text
    assert refused.json()["reason"] == "INVALID_FACE_INDEX"
    assert len(refused.json()["faces"]) == 6
    assert rows()["face_templates"] == 0
    negative = enroll(client, person_id, T1_PATH.read_bytes(), face_index="-1")
    assert negative.status_code == 422 and negative.json()["reason"] == "INVALID_REQUEST"


def test_each_photo_is_listed_with_its_crop_and_can_be_erased_on_its_own(
    client: TestClient, t1_image: Image.Image, t1_faces: list[DetectedFace], rows: Rows
) -> None:
    an, binh = create_people(client, NAMES[:2])
    portrait = crop_face(t1_image, t1_faces[0])
    photos = [jpeg(portrait), jpeg(portrait.resize((portrait.width * 2, portrait.height * 2)))]
    for number, data in enumerate(photos):
        sent = client.post(
            f"/api/v1/people/{an}/photos", files={"file": (f"an-{number}.jpg", data, "image/jpeg")}
        )
        assert sent.status_code == 201, sent.text
    listed = client.get(f"/api/v1/people/{an}/templates").json()
    assert [t["photo_name"] for t in listed] == ["an-0.jpg", "an-1.jpg"]
    first, second = (t["template_id"] for t in listed)
    crop = client.get(listed[1]["crop_url"])
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/jpeg"
    assert crop.headers["cache-control"] == "no-store"
    assert Image.open(io.BytesIO(crop.content)).size == (160, 160)

    # Another person's path does not reach this template.
    assert client.delete(f"/api/v1/people/{binh}/templates/{second}").status_code == 404
    erased = client.delete(f"/api/v1/people/{an}/templates/{second}")
    assert erased.status_code == 200, erased.text
    answer = erased.json()
    assert answer.pop("erased_at")  # when it was done
    assert answer == {"person_id": an, "template_id": second, "erased": True}
    assert [t["template_id"] for t in client.get(f"/api/v1/people/{an}/templates").json()] == [
        first
    ]
    assert client.get(listed[1]["crop_url"]).status_code == 404
    assert client.delete(f"/api/v1/people/{an}/templates/{second}").status_code == 404
    assert rows()["face_templates"] == 1
    # The photo left still recognises her.
    faces = identify(client, photos[0])
    assert faces[0]["decision"] == "match" and faces[0]["person"]["id"] == an


def test_erasing_a_persons_last_photo_makes_the_face_unknown(
    client: TestClient, enrolled: list[int]
) -> None:
    gone = enrolled[2]
    (template,) = client.get(f"/api/v1/people/{gone}/templates").json()
    response = client.delete(f"/api/v1/people/{gone}/templates/{template['template_id']}")
    assert response.status_code == 200, response.text
    faces = identify(client, T1_PATH.read_bytes())
    assert all(f["candidate"] is None or f["candidate"]["id"] != gone for f in faces)
    assert client.get(f"/api/v1/people/{gone}").json()["templates"] == 0


def test_a_chosen_face_that_is_refused_lists_the_faces_again(
    client: TestClient, t1_image: Image.Image
) -> None:
    # t1.jpg at a quarter of its size: six faces of about 25 px.
    small = t1_image.resize((t1_image.width // 4, t1_image.height // 4))
    (person_id,) = create_people(client, NAMES[:1])
    first = enroll(client, person_id, jpeg(small))
    assert first.status_code == 422 and first.json()["reason"] == "MULTIPLE_FACES"
    chosen = enroll(client, person_id, jpeg(small), face_index="0")
    assert chosen.status_code == 422 and chosen.json()["reason"] == "FACE_TOO_SMALL"
    assert len(chosen.json()["faces"]) == len(first.json()["faces"])  # to choose another


def test_ids_past_what_the_database_holds_are_not_found(client: TestClient) -> None:
    huge = 2**63
    assert client.get(f"/api/v1/people/{huge}/templates/1/crop").status_code == 404
    assert client.get(f"/api/v1/people/1/templates/{huge}/crop").status_code == 404
    assert client.delete(f"/api/v1/people/1/templates/{huge}").status_code == 404
    assert client.get(f"/api/v1/meetings/{huge}/participants").status_code == 404


def test_choosing_another_face_of_a_photo_already_enrolled_says_delete_it_first(
    client: TestClient, rows: Rows
) -> None:
    (person_id,) = create_people(client, NAMES[3:4])
    assert enroll(client, person_id, T1_PATH.read_bytes(), face_index="3").status_code == 201
    again = enroll(client, person_id, T1_PATH.read_bytes(), face_index="1")
    assert again.status_code == 409 and again.json()["reason"] == "PHOTO_ALREADY_ENROLLED"
    assert "delete that photo first" in again.json()["detail"]
    # The same face again is a retry: the same face, nothing added.
    first = enroll(client, person_id, T1_PATH.read_bytes(), face_index="3")
    assert first.status_code == 200 and first.json()["created"] is False
    assert first.json()["face_index"] == 3 and first.json()["box"] is not None
    invalid = enroll(client, person_id, T1_PATH.read_bytes(), face_index="9")
    assert invalid.status_code == 422 and invalid.json()["reason"] == "INVALID_FACE_INDEX"
    assert rows()["face_templates"] == 1
