"""A small square JPEG around a face: what a secretary sees in the review queue."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

CROP_PX = 160  # enough for a secretary to recognise someone, small enough to hold briefly
CROP_MARGIN = 0.35  # of the face's size, on each side: hair and chin help a human judge


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
    resized = cv2.resize(patch, (CROP_PX, CROP_PX), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", resized, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return encoded.tobytes()
