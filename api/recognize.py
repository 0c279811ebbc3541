"""Image in, identified faces out: decode, detect, embed, search, decide."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.services import Services
from attendance.recognition import IdentifiedFace, identify_faces
from models.images import decode_image


def recognize_image(
    session: Session, services: Services, *, data: bytes, meeting_id: int | None
) -> list[IdentifiedFace]:
    """Faces ordered largest first, each with its decision against the meeting's roster."""
    limits = services.settings.limits
    image = decode_image(data, max_bytes=limits.max_upload_bytes, max_pixels=limits.max_pixels)
    faces = sorted(services.pipeline.detect(image), key=lambda f: f.area, reverse=True)
    gallery = services.gallery.get(session)
    embeddings = services.pipeline.embed(image, faces)
    return identify_faces(
        session,
        gallery=gallery,
        embeddings=embeddings,
        boxes=[f.box for f in faces],
        det_scores=[f.score for f in faces],
        policy=services.policy,
        meeting_id=meeting_id,
        top_k=services.settings.match.top_k,
    )
