"""Identify: decisions against the roster, boxes in image pixels, unusual image formats."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from api_support import (
    NAMES,
    T1_PATH,
    ClientFactory,
    centre,
    create_meeting,
    create_people,
    crop_face,
    enroll,
    identify,
    jpeg,
    nearest_face,
    png,
)
from fastapi.testclient import TestClient
from PIL import Image, ImageOps

from models.types import DetectedFace


def assert_largest_first(faces: list[dict[str, Any]]) -> None:
    """Ordered by the detector's sub-pixel area; the boxes we see are rounded to whole pixels,
    which moves each area by at most half the box's perimeter."""
    for bigger, smaller in itertools.pairwise(faces):
        (_, _, w1, h1), (_, _, w2, h2) = bigger["box"], smaller["box"]
        assert w1 * h1 >= w2 * h2 - (w1 + h1 + w2 + h2) / 2 - 1, (bigger["box"], smaller["box"])


def test_flipped_t1_matches_the_roster_and_flags_the_one_not_on_it(
    client: TestClient,
    enrolled: list[int],
    t1_image: Image.Image,
    t1_faces: list[DetectedFace],
) -> None:
    absent = 4
    meeting_id = create_meeting(client, [p for i, p in enumerate(enrolled) if i != absent])
    flipped = ImageOps.mirror(t1_image)
    faces = identify(client, jpeg(flipped), meeting_id)

    assert len(faces) == 6
    assert_largest_first(faces)
    seen = set()
    for face in faces:
        x, y, w, h = face["box"]
        assert all(isinstance(v, int) for v in face["box"])
        assert x >= 0 and x + w <= flipped.width and y >= 0 and y + h <= flipped.height
        mirrored = centre(face["box"]) * [-1, 1] + [flipped.width, 0]
        index = nearest_face(mirrored, t1_faces)
        seen.add(index)
        assert face["candidate"] == {"id": enrolled[index], "full_name": NAMES[index]}
        assert face["similarity"] >= face["threshold"]
        assert 0.6 <= face["det_score"] <= 1
        if index == absent:
            assert face["decision"] == "not_on_roster"
            assert face["person"] is None
        else:
            assert face["decision"] == "match"
            assert face["person"] == face["candidate"]
    assert seen == set(range(6))


def test_face_of_someone_not_enrolled_is_unknown_with_a_weak_candidate(
    client: TestClient, face_photos: list[bytes], t1_faces: list[DetectedFace]
) -> None:
    # 0, 2 and 5 resemble 1, 3 and 4 least (cosine below 0.25 in t1.jpg).
    known = [0, 2, 5]
    ids = create_people(client, [NAMES[i] for i in known])
    for person_id, index in zip(ids, known):
        assert enroll(client, person_id, face_photos[index]).status_code == 201

    faces = identify(client, T1_PATH.read_bytes())
    assert len(faces) == 6
    assert_largest_first(faces)
    for face in faces:
        index = nearest_face(centre(face["box"]), t1_faces)
        if index in known:
            assert face["decision"] == "match"
            assert face["person"]["full_name"] == NAMES[index]
        else:
            assert face["decision"] == "unknown"
            assert face["person"] is None
            assert face["candidate"]["id"] in ids
            assert face["similarity"] < face["threshold"]


def rgba_png(t1: Image.Image) -> bytes:
    rgba = t1.convert("RGBA")
    alpha = np.full((t1.height, t1.width), 255, dtype=np.uint8)
    alpha[-150:] = 0  # the table at the bottom is transparent; faces stay opaque
    alpha[:, :40] = 128
    rgba.putalpha(Image.fromarray(alpha))
    return png(rgba)


def exif_rotated(t1: Image.Image, orientation: int) -> bytes:
    """Pixels stored turned, with the EXIF tag that tells a viewer how to turn them back."""
    stored = t1.transpose(
        Image.Transpose.ROTATE_90 if orientation == 6 else Image.Transpose.ROTATE_270
    )
    exif = Image.Exif()
    exif[0x0112] = orientation
    return jpeg(stored, exif=exif.tobytes())


def cmyk_jpeg(t1: Image.Image) -> bytes:
    data = jpeg(t1.convert("CMYK"))
    with Image.open(io.BytesIO(data)) as check:
        assert check.mode == "CMYK"
    return data


FORMATS: dict[str, Callable[[Image.Image], bytes]] = {
    "png-with-alpha": rgba_png,
    "grayscale-jpeg": lambda t1: jpeg(t1.convert("L")),
    "exif-orientation-6": lambda t1: exif_rotated(t1, 6),
    "exif-orientation-8": lambda t1: exif_rotated(t1, 8),
    "cmyk-jpeg": cmyk_jpeg,
}


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_unusual_valid_images_are_recognised(
    client: TestClient,
    enrolled: list[int],
    t1_image: Image.Image,
    t1_faces: list[DetectedFace],
    kind: str,
) -> None:
    faces = identify(client, FORMATS[kind](t1_image), name=f"t1-{kind}")
    assert len(faces) == 6
    assert_largest_first(faces)
    found = {nearest_face(centre(f["box"]), t1_faces): f for f in faces}
    assert sorted(found) == list(range(6))  # upright: the boxes sit where they are in t1
    for index, face in found.items():
        assert face["decision"] == "match", face
        assert face["person"] == {"id": enrolled[index], "full_name": NAMES[index]}


def test_big_face_comes_before_a_small_one(
    client: TestClient,
    enrolled: list[int],
    t1_image: Image.Image,
    t1_faces: list[DetectedFace],
) -> None:
    canvas = Image.new("RGB", (900, 600), (235, 235, 235))
    small = crop_face(t1_image, t1_faces[3], margin=0.5)
    big = crop_face(t1_image, t1_faces[1], margin=0.5)
    big = big.resize((big.width * 2, big.height * 2), Image.Resampling.BICUBIC)
    canvas.paste(small, (20, 20))  # the small one first in reading order
    canvas.paste(big, (500, 100))
    faces = identify(client, jpeg(canvas))
    assert [f["person"]["full_name"] for f in faces] == [NAMES[1], NAMES[3]]
    assert faces[0]["box"][2] > 1.5 * faces[1]["box"][2]
    assert faces[0]["box"][0] >= 500


def test_an_upload_decoded_smaller_reports_boxes_in_its_own_pixels(
    make_client: ClientFactory,
    enrolled: list[int],
    t1_image: Image.Image,
    t1_faces: list[DetectedFace],
) -> None:
    # Decoded at a third of its size (1280 px long): boxes are still in the upload's pixels.
    reduced = make_client(max_decode_side=1280)
    big = t1_image.resize((t1_image.width * 3, t1_image.height * 3), Image.Resampling.BICUBIC)
    faces = identify(reduced, jpeg(big))
    assert len(faces) == 6
    found = {nearest_face(centre(f["box"]) / 3, t1_faces): f for f in faces}
    assert sorted(found) == list(range(6))
    for index, face in found.items():
        assert face["person"] == {"id": enrolled[index], "full_name": NAMES[index]}
        assert face["box"][2] == pytest.approx(3 * t1_faces[index].box[2], rel=0.1)
