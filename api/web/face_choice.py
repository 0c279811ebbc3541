"""A photo with several faces shown to a secretary: the faces numbered, each one clickable."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from models.crops import face_crop_jpeg, numbered_faces_jpeg, overview_scale
from models.images import ImageDecoder

OVERVIEW_SIDE = 720  # the photo as shown, long side in pixels


@dataclass(frozen=True)
class FaceChoice:
    token: str  # names the photo held in PendingPhotos
    overview: str  # the photo, small, faces boxed and numbered (a data: URL)
    faces: list[tuple[int, str]]  # (face_index, its crop as a data: URL), in the refusal's order
    boxes: str  # JSON: each face's [x, y, w, h] in the overview's pixels, for a click on it


def face_choice(
    decoder: ImageDecoder, data: bytes, listed: object, token: str
) -> FaceChoice | None:
    """What the page shows for a MULTIPLE_FACES refusal's `faces`; None if it lists none."""
    if not isinstance(listed, list) or not listed:
        return None
    decoded = decoder.decode(data)
    boxes = [decoded.to_working(tuple(face["box"])) for face in listed]
    height, width = decoded.pixels.shape[:2]
    scale = overview_scale(width, height, OVERVIEW_SIDE)
    return FaceChoice(
        token=token,
        overview=_data_url(numbered_faces_jpeg(decoded.pixels, boxes, OVERVIEW_SIDE)),
        faces=[
            (int(face["index"]), _data_url(face_crop_jpeg(decoded.pixels, box)))
            for face, box in zip(listed, boxes)
        ],
        boxes=json.dumps([[round(v * scale, 1) for v in box] for box in boxes]),
    )


def _data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
