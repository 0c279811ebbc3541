"""Image in, identified faces out: the upload's limits, then the recognition use case."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.services import Services
from attendance.recognition import IdentifiedFace
from models.images import DecodedImage
from usecases.recognition import recognize


def recognize_image(
    session: Session, services: Services, *, data: bytes, meeting_id: int | None
) -> list[IdentifiedFace]:
    """Faces ordered largest first, each with its decision against the meeting's roster;
    boxes in the uploaded image's pixels."""
    image = decode(services, data)
    return recognize(session, recognizer=services.recognizer, image=image, meeting_id=meeting_id)


def decode(services: Services, data: bytes) -> DecodedImage:
    """Within the server's decode limits, a few at a time (Services.decoder)."""
    return services.decoder.decode(data)
