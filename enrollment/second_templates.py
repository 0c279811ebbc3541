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

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, undefer
from sqlalchemy.sql.elements import ColumnElement

from attendance.orm import FaceTemplate
from attendance.templates import QualityFigures, add_template
from enrollment.quality_gate import rank_faces
from models.images import ImageRejected, decode_image
from models.packs import FacePipeline

logger = logging.getLogger(__name__)

BATCH = 50  # faces a transaction adds: ~4 s of dlib on two cores, a short write lock


@dataclass
class SecondTemplates:
    """What one pass added, and the faces it could not give a second template, by id."""

    added: int = 0
    people: set[int] = field(default_factory=set)  # whose faces got one
    without_crop: list[int] = field(default_factory=list)  # enrolled before crops were kept
    no_face: list[int] = field(default_factory=list)  # no face found again on the crop


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
    for primary in found:
        if primary.crop_jpeg is None:
            report.without_crop.append(primary.id)
            continue
        try:
            crop = decode_image(primary.crop_jpeg)
        except ImageRejected:
            report.no_face.append(primary.id)
            continue
        height, width = crop.shape[:2]
        ranked = rank_faces(pipeline.detect(crop), width, height)
        if not ranked:
            report.no_face.append(primary.id)
            continue
        # The crop is centred on the enrolled face: the most central, largest one is it.
        embedding = pipeline.embed_second(crop, [ranked[0].face])[0]
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
        report.added += 1
        report.people.add(primary.person_id)
    logger.info("second templates: %d added so far", report.added)
    return found[-1].id if found else 0
