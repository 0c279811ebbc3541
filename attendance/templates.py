"""Face templates: storing embeddings and loading them as a gallery."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from attendance.gallery import Gallery
from attendance.orm import FaceTemplate, GalleryVersion


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
    )
    session.add(template)
    session.flush()
    bump_gallery_version(session, model_key=model_key)
    return template


def load_gallery(session: Session, *, model_key: str, dim: int) -> Gallery:
    """Every template of one model identity; templates of other models are never loaded."""
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
    return Gallery(matrix, person_ids, version=version)
