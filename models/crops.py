"""A small square JPEG around a face: what a secretary sees in the review queue."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from models.images import ImageTooLarge, decode_image

CROP_PX = 160  # enough for a secretary to recognise someone, small enough to hold briefly
CROP_MARGIN = 0.35  # of the face's size, on each side: hair and chin help a human judge
# A crop sent by a kiosk: ours are CROP_PX square and about 10 kB; anything much larger is
# not a face crop, and the server keeps no more of a stranger's face than it needs.
MAX_CROP_BYTES = 200_000
MAX_CROP_SIDE = 256


def face_crop_jpeg(image: NDArray[np.uint8], box: tuple[float, float, float, float]) -> bytes:
    """The face at `box` ([x, y, width, height] in `image`), resized to CROP_PX square."""
    x, y, w, h = box
    side = max(w, h) * (1 + 2 * CROP_MARGIN)
    cx, cy = x + w / 2, y + h / 2
    height, width = image.shape[:2]
    x0, y0 = max(0, round(cx - side / 2)), max(0, round(cy - side / 2))
    x1, y1 = min(width, round(cx + side / 2)), min(height, round(cy + side / 2))
    patch = image[y0:y1, x0:x1]
    if patch.size == 0:
        patch = image
    return _jpeg(cv2.resize(patch, (CROP_PX, CROP_PX), interpolation=cv2.INTER_AREA))


def overview_scale(width: int, height: int, max_side: int) -> float:
    """How much `numbered_faces_jpeg` shrinks a photo: a box times this is where it is drawn
    (and where a click on the drawn photo lands)."""
    return min(1.0, max_side / max(height, width))


def numbered_faces_jpeg(
    image: NDArray[np.uint8], boxes: list[tuple[float, float, float, float]], max_side: int = 720
) -> bytes:
    """The photo made small, each face boxed and numbered from 1: to say which is which."""
    height, width = image.shape[:2]
    scale = overview_scale(width, height, max_side)
    small = cv2.resize(image, (max(1, round(width * scale)), max(1, round(height * scale))))
    for number, (x, y, w, h) in enumerate(boxes, start=1):
        x0, y0 = round(x * scale), round(y * scale)
        x1, y1 = round((x + w) * scale), round((y + h) * scale)
        cv2.rectangle(small, (x0, y0), (x1, y1), (0, 200, 255), 2)
        label = str(number)
        (tw, th), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, 0.8, 2)
        cv2.rectangle(small, (x0, max(0, y0 - th - 8)), (x0 + tw + 8, y0), (0, 200, 255), -1)
        cv2.putText(small, label, (x0 + 4, y0 - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0, 0, 0), 2)
    return _jpeg(small)


def checked_crop_jpeg(data: bytes) -> bytes:
    """A face crop sent from elsewhere, decoded and encoded again: a plain JPEG, no metadata.

    Raises ImageTooLarge past MAX_CROP_BYTES or MAX_CROP_SIDE, UnreadableImage if not an image.
    """
    image = decode_image(data, max_bytes=MAX_CROP_BYTES, max_pixels=MAX_CROP_SIDE**2)
    height, width = image.shape[:2]
    if max(height, width) > MAX_CROP_SIDE:
        raise ImageTooLarge(
            f"Ảnh khuôn mặt quá lớn ({width}x{height}, tối đa {MAX_CROP_SIDE}x{MAX_CROP_SIDE}). "
            f"The face crop is too large ({width}x{height}, limit "
            f"{MAX_CROP_SIDE}x{MAX_CROP_SIDE})."
        )
    return _jpeg(image)


def _jpeg(image: cv2.typing.MatLike) -> bytes:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return encoded.tobytes()
