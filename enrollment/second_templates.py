"""The second model's templates of faces enrolled before it was installed, made from the face
crop each template keeps (models/crops.py): `attendance templates add-second`.

Until a face has one, the fusion uses its SFace score alone (attendance/fusion.py). A crop is
the face with margin at CROP_PX square; dlib, fed the face found again on it, gives nearly
the embedding the photo gave (lfw-dev, 200 people: cosine 0.996 on average, rank-1 0.985
against 0.980 from the photos; bench/crop_second.py, docs/benchmarks.md). A template without
a crop (enrolled before crops were kept) is reported, never guessed: the person's photo must
be enrolled again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, undefer
from sqlalchemy.sql.elements import ColumnElement

from attendance.errors import DomainError
from attendance.orm import FaceTemplate
from attendance.templates import QualityFigures, add_template, template_vector
from enrollment.quality_gate import rank_faces
from models.crops import CROP_PX
from models.images import ImageRejected, decode_image
from models.packs import FacePipeline
from models.types import DetectedFace

logger = logging.getLogger(__name__)

BATCH = 50  # faces a transaction adds: ~4 s of dlib on two cores, then the writes
# Our crops are CROP_PX square; a stored "crop" far larger is not one of ours (a damaged or
# tampered row): refuse it before decoding rather than decode tens of megapixels.
CROP_MAX_PIXELS = 4 * CROP_PX * CROP_PX
# The face found again on the crop is the primary's own when SFace embeds it at least this
# close to the stored primary. Not enrollment's SAME_FACE (0.98, the same pixels again): the
# crop is resized, and the crop's face scored 0.934 at least on 150 lfw-dev photos (median
# 0.972, 110 under 0.98) and 0.858 on t1.jpg's small faces; strangers' SFace scores stay far
# below (on lfw-dev 2.4e-5 of stranger comparisons exceed 0.455: calibration/sface-*.json).
CROP_SAME_FACE = 0.75


@dataclass
class SecondTemplates:
    """What one pass added, and the faces it could not give a second template, by id."""

    added: int = 0
    people: set[int] = field(default_factory=set)  # whose faces got one
    without_crop: list[int] = field(default_factory=list)  # enrolled before crops were kept
    no_face: list[int] = field(default_factory=list)  # the primary's face not found on the crop
    damaged: list[int] = field(default_factory=list)  # the primary itself does not decrypt
    skipped: int = 0  # given one meanwhile, or gone, by another command running at once


def _without_companion(primary_key: str, second_key: str) -> ColumnElement[bool]:
    """The condition a primary template of `primary_key` with no `second_key` template meets."""
    companion = aliased(FaceTemplate)
    has_one = (
        select(companion.id)
        .where(companion.companion_of == FaceTemplate.id, companion.model_key == second_key)
        .exists()
    )
    return (FaceTemplate.model_key == primary_key) & FaceTemplate.companion_of.is_(None) & ~has_one


def missing_second(
    session: Session, *, primary_key: str, second_key: str, after_id: int = 0, limit: int = BATCH
) -> list[FaceTemplate]:
    """Primary templates of `primary_key` past `after_id` that have no template of
    `second_key` yet, oldest first, their crops loaded."""
    return list(
        session.scalars(
            select(FaceTemplate)
            .where(_without_companion(primary_key, second_key), FaceTemplate.id > after_id)
            .options(undefer(FaceTemplate.crop_jpeg))
            .order_by(FaceTemplate.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class MissingSecond:
    """How many primary templates (faces) have no second-model template, of how many people."""

    faces: int
    people: int

    def warning(self) -> str:
        """What start-up and `attendance models verify` say; empty when none is missing."""
        if not self.faces:
            return ""
        return (
            f"{self.faces} khuôn mặt ({self.people} người) chưa có mẫu của mô hình thứ hai "
            "(đăng ký khi ý kiến thứ hai tắt hoặc chưa cài): với họ chỉ SFace quyết định; "
            "chạy `attendance templates add-second` (xem trước: --dry-run). "
            f"{self.faces} faces ({self.people} people) have no second-model template "
            "(enrolled while the second opinion was off or not installed): SFace alone decides "
            "for them; run `attendance templates add-second` (preview: --dry-run)."
        )


def count_missing_second(session: Session, *, primary_key: str, second_key: str) -> MissingSecond:
    """One COUNT query: cheap enough for every start-up."""
    faces, people = session.execute(
        select(func.count(FaceTemplate.id), func.count(FaceTemplate.person_id.distinct())).where(
            _without_companion(primary_key, second_key)
        )
    ).one()
    return MissingSecond(faces=int(faces or 0), people=int(people or 0))


def add_second_batch(
    session: Session,
    *,
    pipeline: FacePipeline,
    report: SecondTemplates,
    after_id: int = 0,
    actor: str = "cli:templates add-second",
) -> int:
    """Give up to BATCH faces past `after_id` their second template; the last id looked at
    (0 when none was left). Flushes, never commits: the caller's unit of work does."""
    if pipeline.second is None:
        raise ValueError("the pipeline has no second model")
    second_key = pipeline.second.identity.key
    found = missing_second(
        session, primary_key=pipeline.identity.key, second_key=second_key, after_id=after_id
    )
    # Every dlib embedding of the batch first, then the writes: on SQLite the first insert
    # takes the database's write lock until the commit, and dlib's seconds must not be spent
    # holding it (attack F-LOCK1: a write waited 8 s behind a batch).
    made: list[tuple[FaceTemplate, NDArray[np.float32]]] = []
    for primary in found:
        if primary.crop_jpeg is None:
            report.without_crop.append(primary.id)
            continue
        try:
            # A primary that no longer opens is left out of every gallery: a companion of it
            # would never be asked.
            stored = template_vector(session, primary)
        except DomainError as exc:
            if exc.code != "TEMPLATE_DAMAGED":
                raise
            report.damaged.append(primary.id)
            continue
        face = _primary_face(pipeline, primary.crop_jpeg, stored)
        if face is None:
            report.no_face.append(primary.id)
            continue
        crop, found_face = face
        made.append((primary, pipeline.embed_second(crop, [found_face])[0]))
    for primary, embedding in made:
        try:
            # Another add-second, an erasure or a merge may have run since the batch was
            # read (dlib took seconds): the unique index or the foreign key says so here.
            with session.begin_nested():
                add_template(
                    session,
                    person_id=primary.person_id,
                    model_key=second_key,
                    embedding=embedding,
                    quality=QualityFigures(
                        det_score=primary.det_score,
                        face_px=primary.face_px,
                        sharpness=primary.sharpness,
                        brightness=primary.brightness,
                        yaw=primary.yaw,
                    ),
                    photo_sha256=primary.photo_sha256,
                    photo_name=primary.photo_name,
                    actor=actor,
                    consent_id=primary.consent_id,
                    companion_of=primary.id,
                )
                session.flush()
        except IntegrityError:
            logger.info("second templates: face %d got one meanwhile or is gone", primary.id)
            report.skipped += 1
            continue
        report.added += 1
        report.people.add(primary.person_id)
    logger.info("second templates: %d added so far", report.added)
    return found[-1].id if found else 0


def _primary_face(
    pipeline: FacePipeline, crop_jpeg: bytes, stored: NDArray[np.float32]
) -> tuple[NDArray[np.uint8], DetectedFace] | None:
    """The crop and the face on it that is the primary's own (SFace embedding of it against
    the stored one, at least CROP_SAME_FACE); None when the crop does not decode or
    shows no such face."""
    try:
        crop = decode_image(crop_jpeg, max_pixels=CROP_MAX_PIXELS)
    except ImageRejected:
        return None
    height, width = crop.shape[:2]
    ranked = rank_faces(pipeline.detect(crop), width, height)
    if not ranked:
        return None
    # The crop is centred on the enrolled face: the most central, largest one is it.
    face = ranked[0].face
    seen = pipeline.embed(crop, [face])[0]
    cosine = float(seen @ stored) / float(np.linalg.norm(seen) * np.linalg.norm(stored))
    return (crop, face) if cosine >= CROP_SAME_FACE else None
