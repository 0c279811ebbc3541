"""Recognising the faces of a decoded image against the gallery and a meeting's roster."""

from __future__ import annotations

import time
from collections.abc import Callable, Sized
from dataclasses import dataclass

from sqlalchemy.orm import Session

from attendance.consent_tables import MEETINGS
from attendance.errors import Invalid
from attendance.gallery_cache import GalleryCache
from attendance.matching import MatchPolicy
from attendance.recognition import IdentifiedFace, identify_faces
from attendance.schools.sessions import meeting_purpose
from models.images import DecodedImage
from models.packs import FacePipeline


@dataclass(frozen=True)
class Recognizer:
    """What recognition needs: the models, the gallery they fill and the accept rule."""

    pipeline: FacePipeline
    gallery: GalleryCache
    policy: MatchPolicy
    top_k: int = 5
    max_faces: int = 120  # faces one photo may have; more is 422 TOO_MANY_FACES
    # Told the seconds each photo's recognition took (the server's recognition histogram).
    timed: Callable[[float], None] | None = None


def ensure_few_enough_faces(faces: Sized, *, max_faces: int) -> None:
    """Refused before any face is embedded: each costs memory and time (attack 12b)."""
    if len(faces) > max_faces:
        raise Invalid(
            f"Ảnh có {len(faces)} khuôn mặt, quá {max_faces} khuôn mặt một ảnh được phép; "
            "hãy chụp từng phần của lớp hoặc hội trường. "
            f"The photo has {len(faces)} faces, more than the {max_faces} one photo may have; "
            "photograph the class or hall in parts.",
            code="TOO_MANY_FACES",
            extra={"faces": len(faces), "max_faces": max_faces},
        )


def recognize(
    session: Session, *, recognizer: Recognizer, image: DecodedImage, meeting_id: int | None
) -> list[IdentifiedFace]:
    """Faces ordered largest first, each with its decision against the meeting's roster;
    boxes in the uploaded image's pixels, whatever size it was decoded at. A lesson searches
    the faces kept for school attendance, a meeting (or no meeting) those kept for meetings."""
    start = time.perf_counter()
    found = _recognize(session, recognizer=recognizer, image=image, meeting_id=meeting_id)
    if recognizer.timed is not None:
        recognizer.timed(time.perf_counter() - start)
    return found


def _recognize(
    session: Session, *, recognizer: Recognizer, image: DecodedImage, meeting_id: int | None
) -> list[IdentifiedFace]:
    faces = sorted(recognizer.pipeline.detect(image.pixels), key=lambda f: f.area, reverse=True)
    purpose = MEETINGS if meeting_id is None else meeting_purpose(session, meeting_id=meeting_id)
    ensure_few_enough_faces(faces, max_faces=recognizer.max_faces)
    gallery = recognizer.gallery.get(session, purpose=purpose)
    embeddings = recognizer.pipeline.embed(image.pixels, faces)
    return identify_faces(
        session,
        gallery=gallery,
        embeddings=embeddings,
        boxes=[image.to_original(f.box) for f in faces],
        det_scores=[f.score for f in faces],
        policy=recognizer.policy,
        meeting_id=meeting_id,
        top_k=recognizer.top_k,
    )
