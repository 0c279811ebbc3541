"""Recognising the faces of a decoded image against the gallery and a meeting's roster."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from attendance.gallery_cache import GalleryCache
from attendance.matching import MatchPolicy
from attendance.recognition import IdentifiedFace, identify_faces
from models.packs import FacePipeline


@dataclass(frozen=True)
class Recognizer:
    """What recognition needs: the models, the gallery they fill and the accept rule."""

    pipeline: FacePipeline
    gallery: GalleryCache
    policy: MatchPolicy
    top_k: int = 5


def recognize(
    session: Session, *, recognizer: Recognizer, image: NDArray[np.uint8], meeting_id: int | None
) -> list[IdentifiedFace]:
    """Faces ordered largest first, each with its decision against the meeting's roster."""
    faces = sorted(recognizer.pipeline.detect(image), key=lambda f: f.area, reverse=True)
    gallery = recognizer.gallery.get(session)
    embeddings = recognizer.pipeline.embed(image, faces)
    return identify_faces(
        session,
        gallery=gallery,
        embeddings=embeddings,
        boxes=[f.box for f in faces],
        det_scores=[f.score for f in faces],
        policy=recognizer.policy,
        meeting_id=meeting_id,
        top_k=recognizer.top_k,
    )
