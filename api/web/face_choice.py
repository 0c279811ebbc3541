"""A photo with several faces shown to a secretary: the faces numbered, each one clickable."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from models.crops import face_crop_jpeg, numbered_faces_jpeg
from models.images import ImageDecoder


@dataclass(frozen=True)
class FaceChoice:
    token: str  # names the photo held in PendingPhotos
    overview: str  # the photo, small, faces boxed and numbered (a data: URL)
    faces: list[tuple[int, str]]  # (face_index, its crop as a data: URL), in the refusal's order


def face_choice(
    decoder: ImageDecoder, data: bytes, listed: object, token: str
) -> FaceChoice | None:
    """What the page shows for a MULTIPLE_FACES refusal's `faces`; None if it lists none."""
    if not isinstance(listed, list) or not listed:
        return None
    decoded = decoder.decode(data)
    boxes = [decoded.to_working(tuple(face["box"])) for face in listed]
    return FaceChoice(
        token=token,
        overview=_data_url(numbered_faces_jpeg(decoded.pixels, boxes)),
        faces=[
            (int(face["index"]), _data_url(face_crop_jpeg(decoded.pixels, box)))
            for face, box in zip(listed, boxes)
        ],
    )


def _data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
