"""Image in, identified faces out: the upload's limits, then the recognition use case."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from api.services import Services
from attendance.recognition import IdentifiedFace
from models.images import decode_image
from usecases.recognition import recognize


def recognize_image(
    session: Session, services: Services, *, data: bytes, meeting_id: int | None
) -> list[IdentifiedFace]:
    """Faces ordered largest first, each with its decision against the meeting's roster."""
    image = decode(services, data)
    return recognize(session, recognizer=services.recognizer, image=image, meeting_id=meeting_id)


def decode(services: Services, data: bytes) -> NDArray[np.uint8]:
    limits = services.settings.limits
    return decode_image(data, max_bytes=limits.max_upload_bytes, max_pixels=limits.max_pixels)
