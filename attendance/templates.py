"""Face templates: storing embeddings and loading them as a gallery."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, undefer

from attendance.db import forget_after_commit
from attendance.errors import NotFound
from attendance.gallery import Gallery
from attendance.orm import MAX_ID, FaceTemplate, GalleryVersion


@dataclass(frozen=True)
class QualityFigures:
    det_score: float
    face_px: float
    sharpness: float
    brightness: float
    yaw: float


def bump_gallery_version(session: Session, *, model_key: str) -> None:
    updated = session.execute(
        update(GalleryVersion)
        .where(GalleryVersion.model_key == model_key)
        .values(version=GalleryVersion.version + 1)
    )
    if not updated.rowcount:  # type: ignore[attr-defined]
        session.add(GalleryVersion(model_key=model_key, version=1))
    session.flush()


def gallery_version(session: Session, *, model_key: str) -> int:
    version = session.scalar(
        select(GalleryVersion.version).where(GalleryVersion.model_key == model_key)
    )
    return int(version or 0)


def find_template(
    session: Session, *, person_id: int, model_key: str, photo_sha256: str
) -> FaceTemplate | None:
    return session.scalars(
        select(FaceTemplate).where(
            FaceTemplate.person_id == person_id,
            FaceTemplate.model_key == model_key,
            FaceTemplate.photo_sha256 == photo_sha256,
        )
    ).first()


def add_template(
    session: Session,
    *,
    person_id: int,
    model_key: str,
    embedding: NDArray[np.float32],
    quality: QualityFigures,
    photo_sha256: str,
    crop_jpeg: bytes | None = None,
    photo_name: str | None = None,
    consent_id: int | None = None,
) -> FaceTemplate:
    vector = np.asarray(embedding, dtype=np.float32).ravel()
    template = FaceTemplate(
        person_id=person_id,
        model_key=model_key,
        dim=int(vector.size),
        embedding=vector.tobytes(),
        det_score=quality.det_score,
        face_px=quality.face_px,
        sharpness=quality.sharpness,
        brightness=quality.brightness,
        yaw=quality.yaw,
        photo_sha256=photo_sha256,
        crop_jpeg=crop_jpeg,
        photo_name=photo_name,
        consent_id=consent_id,
    )
    session.add(template)
    session.flush()
    bump_gallery_version(session, model_key=model_key)
    return template


def person_templates(
    session: Session, *, person_id: int, with_crops: bool = False
) -> list[FaceTemplate]:
    """A person's templates, oldest first (their crops are loaded only when asked for)."""
    statement = (
        select(FaceTemplate)
        .where(FaceTemplate.person_id == person_id)
        .order_by(FaceTemplate.created_at, FaceTemplate.id)
    )
    if with_crops:
        statement = statement.options(undefer(FaceTemplate.crop_jpeg))
    return list(session.scalars(statement))


def enrolled_faces(session: Session, *, person_ids: list[int]) -> dict[int, int]:
    """Each person's first template that keeps its face crop: what a reviewer compares with."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(FaceTemplate.person_id, func.min(FaceTemplate.id))
        .where(FaceTemplate.person_id.in_(person_ids), FaceTemplate.crop_jpeg.is_not(None))
        .group_by(FaceTemplate.person_id)
    ).all()
    return {int(person): int(template) for person, template in rows}


def get_template(
    session: Session, *, person_id: int, template_id: int, with_crop: bool = False
) -> FaceTemplate:
    """One template of one person; another person's template is not found here either."""
    statement = select(FaceTemplate).where(
        FaceTemplate.id == template_id, FaceTemplate.person_id == person_id
    )
    if with_crop:
        statement = statement.options(undefer(FaceTemplate.crop_jpeg))
    known = 0 < template_id <= MAX_ID and 0 < person_id <= MAX_ID
    template = session.scalars(statement).first() if known else None
    if template is None:
        raise NotFound(
            f"Người số {person_id} không có ảnh khuôn mặt số {template_id}. "
            f"Person {person_id} has no face template {template_id}."
        )
    return template


def erase_template(session: Session, *, person_id: int, template_id: int) -> None:
    """Delete one face template (its embedding and its crop), gone from the files too."""
    template = get_template(session, person_id=person_id, template_id=template_id)
    model_key = template.model_key
    session.delete(template)
    session.flush()
    bump_gallery_version(session, model_key=model_key)
    forget_after_commit(session)  # erased means gone from the WAL and freed pages too


def load_gallery(session: Session, *, model_key: str, dim: int) -> Gallery:
    """Every person with a template of one model identity, as the mean of their templates;
    templates of other models are never loaded."""
    version = gallery_version(session, model_key=model_key)
    rows = session.execute(
        select(FaceTemplate.person_id, FaceTemplate.embedding).where(
            FaceTemplate.model_key == model_key, FaceTemplate.dim == dim
        )
    ).all()
    if not rows:
        return Gallery.empty(dim, version=version)
    person_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dim)
    return Gallery.of_people(matrix, person_ids, version=version)
