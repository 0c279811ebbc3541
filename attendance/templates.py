"""Face templates: storing embeddings and loading them as a gallery."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, undefer

from attendance import audit
from attendance.consent_tables import MEETINGS, serves
from attendance.db import forget_after_commit
from attendance.errors import DomainError, NotFound
from attendance.gallery import Gallery
from attendance.orm import MAX_ID, FaceTemplate, GalleryVersion, utcnow
from attendance.template_crypto import keys_of, open_many

logger = logging.getLogger(__name__)


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
    actor: str = "system",
    consent_id: int | None = None,
    companion_of: int | None = None,
) -> FaceTemplate:
    """Store one face template; the audit log says who enrolled which photo (not the face).

    `companion_of`: the id of the primary (SFace) template of the same face, when this one is
    the second model's (dlib) of it: it lives and is erased with its primary, keeps no crop
    of its own, and listings count the face once."""
    vector = np.asarray(embedding, dtype=np.float32).ravel()
    replaced = None
    if companion_of is not None:
        replaced = _drop_stale_companion(
            session,
            person_id=person_id,
            model_key=model_key,
            photo_sha256=photo_sha256,
            companion_of=companion_of,
        )
    template = FaceTemplate(
        person_id=person_id,
        model_key=model_key,
        dim=int(vector.size),
        embedding=b"",  # sealed below, once the row has the id its sealing names
        det_score=quality.det_score,
        face_px=quality.face_px,
        sharpness=quality.sharpness,
        brightness=quality.brightness,
        yaw=quality.yaw,
        photo_sha256=photo_sha256,
        crop_jpeg=crop_jpeg,
        photo_name=photo_name,
        consent_id=consent_id,
        companion_of=companion_of,
    )
    session.add(template)
    session.flush()
    template.embedding = keys_of(session).seal(vector, person_id=person_id, template_id=template.id)
    session.flush()
    bump_gallery_version(session, model_key=model_key)
    audit.record(
        session,
        actor=actor,
        # Not a second photo in the person's log: the second model's template of the same face.
        action="template_added" if companion_of is None else "second_template_added",
        subject=f"person:{person_id}",
        detail={
            "template_id": template.id,
            "model_key": model_key,
            "photo_name": photo_name,
            **({"companion_of": companion_of} if companion_of is not None else {}),
            **({"replaced": replaced} if replaced is not None else {}),
        },
    )
    return template


def _drop_stale_companion(
    session: Session, *, person_id: int, model_key: str, photo_sha256: str, companion_of: int
) -> int | None:
    """A second-model template of this photo left from a primary of another SFace variant
    (after ATTEND_MODELS__REFINE_SIZE or __FLIP changed, the photo enrolled again makes a
    new primary): deleted, so the new primary's companion takes its place; the id it had.
    The second model's key does not name the variant, so both cannot be stored. One that
    already belongs to the same primary is kept: adding another then fails on the unique
    index, which is how a second `templates add-second` run at once learns it is done."""
    stale = find_template(
        session, person_id=person_id, model_key=model_key, photo_sha256=photo_sha256
    )
    if stale is None or stale.companion_of == companion_of:
        return None
    stale_id = stale.id
    session.delete(stale)
    session.flush()
    return stale_id


def companions_of(session: Session, *, template_ids: Sequence[int]) -> dict[int, list[int]]:
    """The second-model templates of each of these primary templates (most have none or one)."""
    if not template_ids:
        return {}
    found: dict[int, list[int]] = {}
    for template_id, primary in session.execute(
        select(FaceTemplate.id, FaceTemplate.companion_of)
        .where(FaceTemplate.companion_of.in_(list(template_ids)))
        .order_by(FaceTemplate.id)
    ):
        if primary is not None:  # always, by the where clause; for the type checker
            found.setdefault(int(primary), []).append(int(template_id))
    return found


def template_vector(session: Session, template: FaceTemplate) -> NDArray[np.float32]:
    """The embedding a template seals (TEMPLATE_DAMAGED if it does not open as its own)."""
    return keys_of(session).open(
        template.embedding, person_id=template.person_id, template_id=template.id
    )


def opened_templates(
    session: Session, templates: Sequence[FaceTemplate]
) -> list[tuple[FaceTemplate, NDArray[np.float32]]]:
    """Each template with its embedding; one that does not decrypt is logged and left out."""
    opened = []
    for template in templates:
        try:
            opened.append((template, template_vector(session, template)))
        except DomainError as exc:
            if exc.code != "TEMPLATE_DAMAGED":
                raise
            logger.error("face template %d does not decrypt: left out", template.id)
    return opened


def move_templates(session: Session, *, from_id: int, to_id: int) -> int:
    """Every template of one person becomes the other's, sealed again for its new person
    (the person is in what each sealing binds); how many moved."""
    keys = keys_of(session)
    rows = session.execute(
        select(FaceTemplate.id, FaceTemplate.embedding).where(FaceTemplate.person_id == from_id)
    ).all()
    for template_id, blob in rows:
        vector = keys.open(blob, person_id=from_id, template_id=template_id)
        session.execute(
            update(FaceTemplate)
            .where(FaceTemplate.id == template_id)
            .values(
                person_id=to_id,
                embedding=keys.seal(vector, person_id=to_id, template_id=template_id),
            )
            .execution_options(synchronize_session=False)
        )
    return len(rows)


def person_templates(
    session: Session, *, person_id: int, with_crops: bool = False
) -> list[FaceTemplate]:
    """A person's faces, oldest first: their primary templates (a second model's template of
    the same face is part of it, not a face of its own); crops are loaded only when asked."""
    statement = (
        select(FaceTemplate)
        .where(FaceTemplate.person_id == person_id, FaceTemplate.companion_of.is_(None))
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
        .where(
            FaceTemplate.person_id.in_(person_ids),
            FaceTemplate.companion_of.is_(None),
            FaceTemplate.crop_jpeg.is_not(None),
        )
        .group_by(FaceTemplate.person_id)
    ).all()
    return {int(person): int(template) for person, template in rows}


def get_template(
    session: Session, *, person_id: int, template_id: int, with_crop: bool = False
) -> FaceTemplate:
    """One face template of one person; another person's template is not found here either,
    nor a second model's template (it is part of its primary's face, erased with it)."""
    statement = select(FaceTemplate).where(
        FaceTemplate.id == template_id,
        FaceTemplate.person_id == person_id,
        FaceTemplate.companion_of.is_(None),
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


def erase_template(
    session: Session, *, person_id: int, template_id: int, actor: str = "system"
) -> None:
    """Delete one face template (its embedding and its crop) and the second model's template
    of the same face, gone from the files too; the audit log keeps that it was erased, and by
    whom. The companions are deleted here, not left to the foreign key's cascade: that one
    holds only where the connection enforces foreign keys."""
    template = get_template(session, person_id=person_id, template_id=template_id)
    model_key = template.model_key
    companions = list(
        session.scalars(select(FaceTemplate).where(FaceTemplate.companion_of == template.id))
    )
    companion_keys = sorted({c.model_key for c in companions})
    for companion in companions:
        session.delete(companion)
    session.flush()
    session.delete(template)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="template_erased",
        subject=f"person:{person_id}",
        detail={
            "template_id": template_id,
            "model_key": model_key,
            "templates_erased": 1,
            "companions_erased": len(companions),
            "erased_at": utcnow().isoformat(),
        },
    )
    for key in sorted({model_key, *companion_keys}):  # kiosks drop both at their next sync
        bump_gallery_version(session, model_key=key)
    forget_after_commit(session)  # erased means gone from the WAL and freed pages too


def load_gallery(session: Session, *, model_key: str, dim: int, purpose: str = MEETINGS) -> Gallery:
    """Every person with a template of one model identity consented for `purpose` (meetings,
    or school attendance for a lesson), as the mean of their templates; templates of other
    models, or kept for another purpose only, are never loaded."""
    version = gallery_version(session, model_key=model_key)
    rows = session.execute(
        select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.embedding).where(
            FaceTemplate.model_key == model_key,
            FaceTemplate.dim == dim,
            serves(purpose),
        )
    ).all()
    matrix, opened = open_many(keys_of(session), [(r[0], r[1], r[2]) for r in rows], dim)
    if not opened.any():
        return Gallery.empty(dim, version=version)
    person_ids = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    return Gallery.of_people(matrix[opened], person_ids[opened], version=version)
