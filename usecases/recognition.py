"""Recognising the faces of a decoded image against the gallery and a meeting's roster."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sized
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from attendance.consent_tables import MEETINGS
from attendance.errors import Invalid
from attendance.fusion import FusionRule, SecondOpinion
from attendance.gallery import Gallery
from attendance.gallery_cache import GalleryCache
from attendance.matching import MatchPolicy
from attendance.recognition import IdentifiedFace, identify_faces
from attendance.schools.sessions import meeting_purpose
from models.images import DecodedImage
from models.packs import FacePipeline
from models.types import DetectedFace


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
    # The second opinion on close calls (attendance/fusion.py): the calibrated fusion of the
    # pipeline's two models and the gallery of the second model's templates. Both or neither:
    # without them (no second model, or no calibration for the pair) nothing is fused.
    fusion: FusionRule | None = None
    second_gallery: GalleryCache | None = None
    # Told (faces asked, faces searched) after each search, and the seconds each call of the
    # second model took: how often the cascade runs and what it costs (docs/metrics.md).
    second_counted: Callable[[int, int], None] | None = None
    second_timed: Callable[[float], None] | None = None

    @property
    def has_second_opinion(self) -> bool:
        return (
            self.pipeline.second is not None
            and self.fusion is not None
            and self.second_gallery is not None
        )


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
        second=second_opinion(
            session,
            recognizer=recognizer,
            pixels=image.pixels,
            faces=faces,
            purpose=purpose,
            primary=gallery,
        ),
    )


def second_opinion(
    session: Session,
    *,
    recognizer: Recognizer,
    pixels: NDArray[np.uint8],
    faces: list[DetectedFace],
    purpose: str,
    primary: Gallery,
    roster: Collection[int] | None = None,
) -> SecondOpinion | None:
    """What identify_faces needs to ask the second model about this photo's close calls, or
    None when the recognizer has no second opinion. `primary`: the whole gallery of
    `purpose` (from recognizer.gallery). `roster`: the search is of those people only (a
    class photo), so the second model's gallery is the same subset; the statistics that
    z-normalise each model's scores are always the whole gallery's."""
    rule, cache, pipeline = recognizer.fusion, recognizer.second_gallery, recognizer.pipeline
    if rule is None or cache is None or pipeline.second is None:
        return None
    whole = cache.get(session, purpose=purpose)
    gallery = whole if roster is None else whole.subset(roster)
    timed = recognizer.second_timed

    def embed(rows: list[int]) -> NDArray[np.float32]:
        # Only the asked faces: dlib costs ~75 ms a face where SFace costs ~9.
        start = time.perf_counter()
        embeddings = pipeline.embed_second(pixels, [faces[r] for r in rows])
        if timed is not None:
            timed(time.perf_counter() - start)
        return embeddings

    return SecondOpinion(
        rule=rule,
        gallery=gallery,
        embed=embed,
        primary_stats=rule.stats(recognizer.gallery.stats(primary, purpose=purpose), second=False),
        second_stats=rule.stats(cache.stats(whole, purpose=purpose), second=True),
        counted=recognizer.second_counted,
    )
