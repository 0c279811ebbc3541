"""Image in, identified faces out: decode, detect, embed, search, decide."""

from __future__ import annotations

import cv2
from sqlalchemy.orm import Session

from api.services import Services
from attendance.recognition import IdentifiedFace, identify_faces
from models.images import DecodedImage

CROP_PX = 160  # enough for a secretary to recognise someone, small enough to hold briefly
CROP_MARGIN = 0.35  # of the face's size, on each side: hair and chin help a human judge


def recognize_image(
    session: Session, services: Services, *, data: bytes, meeting_id: int | None
) -> list[IdentifiedFace]:
    """Faces ordered largest first, each with its decision against the meeting's roster."""
    return recognize_decoded(session, services, image=decode(services, data), meeting_id=meeting_id)


def decode(services: Services, data: bytes) -> DecodedImage:
    return services.decoder.decode(data)


def recognize_decoded(
    session: Session, services: Services, *, image: DecodedImage, meeting_id: int | None
) -> list[IdentifiedFace]:
    """Boxes are in the uploaded image's pixels, whatever size it was decoded at."""
    faces = sorted(services.pipeline.detect(image.pixels), key=lambda f: f.area, reverse=True)
    gallery = services.gallery.get(session)
    embeddings = services.pipeline.embed(image.pixels, faces)
    return identify_faces(
        session,
        gallery=gallery,
        embeddings=embeddings,
        boxes=[image.to_original(f.box) for f in faces],
        det_scores=[f.score for f in faces],
        policy=services.policy,
        meeting_id=meeting_id,
        top_k=services.settings.match.top_k,
    )


def face_crop_jpeg(decoded: DecodedImage, box: tuple[float, float, float, float]) -> bytes:
    """A small square JPEG around a face (`box` in the upload's pixels), for the review queue."""
    image = decoded.pixels
    x, y, w, h = (v / decoded.scale for v in box)
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
