"""Enroll one photo of a person: decode, detect, gate, embed, duplicate check, store."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace

import numpy as np
from sqlalchemy.orm import Session

from attendance.errors import PhotoRejected
from attendance.gallery_cache import GalleryCache
from attendance.orm import FaceTemplate
from attendance.people import get_person
from attendance.settings import Settings
from attendance.templates import QualityFigures, add_template, find_template
from enrollment.quality_gate import MESSAGES, GateLimits, Reason, choose_face, judge_quality
from models.images import ImageDecoder, ImageRejected, decode_upright
from models.packs import FacePipeline
from models.quality import measure_quality
from usecases.decoding import decode_limits


@dataclass(frozen=True)
class EnrollOutcome:
    template: FaceTemplate
    quality: QualityFigures
    created: bool


def gate_limits(settings: Settings) -> GateLimits:
    e = settings.enroll
    return GateLimits(
        min_face_px=e.min_face_px,
        min_sharpness=e.min_sharpness,
        min_brightness=e.min_brightness,
        max_yaw=e.max_yaw,
        dominance=e.dominance,
    )


def enroll_photo(
    session: Session,
    *,
    pipeline: FacePipeline,
    gallery_cache: GalleryCache,
    settings: Settings,
    person_id: int,
    data: bytes,
    confirm_different_person: bool = False,
    decoder: ImageDecoder | None = None,
) -> EnrollOutcome:
    """Add one face template for a person, or raise PhotoRejected with the reason.

    A server passes its `decoder`, which bounds the decodes it runs at once."""
    person = get_person(session, person_id=person_id)
    photo_sha256 = hashlib.sha256(data).hexdigest()
    model_key = pipeline.identity.key
    existing = find_template(
        session, person_id=person.id, model_key=model_key, photo_sha256=photo_sha256
    )
    if existing is not None:
        return EnrollOutcome(existing, _figures_of(existing), created=False)
    try:
        if decoder is not None:
            decoded = decoder.decode(data)
        else:
            decoded = decode_upright(data, decode_limits(settings))
    except ImageRejected as exc:
        if exc.code != Reason.UNREADABLE_IMAGE.value:
            raise
        raise PhotoRejected(Reason.UNREADABLE_IMAGE.value, exc.detail) from exc
    image = decoded.pixels
    limits = gate_limits(settings)
    chosen = choose_face(pipeline.detect(image), limits)
    if chosen.face is None:
        assert chosen.reason is not None
        raise PhotoRejected(chosen.reason.value, chosen.detail)
    measured = measure_quality(image, chosen.face)
    # The face's size as the photo has it, not as decoded: what the sender can check.
    measured = replace(measured, face_px=measured.face_px * decoded.scale)
    verdict = judge_quality(measured, limits)
    if verdict.reason is not None:
        raise PhotoRejected(verdict.reason.value, verdict.detail)
    embedding = pipeline.embed(image, [chosen.face])
    if not confirm_different_person:
        _refuse_duplicate(session, gallery_cache, embedding, person.id, settings)
    figures = QualityFigures(**asdict(measured))
    template = add_template(
        session,
        person_id=person.id,
        model_key=model_key,
        embedding=embedding[0],
        quality=figures,
        photo_sha256=photo_sha256,
    )
    return EnrollOutcome(template, figures, created=True)


def _refuse_duplicate(
    session: Session,
    gallery_cache: GalleryCache,
    embedding: np.ndarray,
    person_id: int,
    settings: Settings,
) -> None:
    """Refuse when the face's best match is someone else, above the accept threshold."""
    result = gallery_cache.get(session).search(embedding, k=1)
    for other_id, score in zip(result.person_ids[0], result.scores[0]):
        if other_id >= 0 and other_id != person_id and score >= settings.match.threshold:
            other = get_person(session, person_id=int(other_id))
            text = MESSAGES[Reason.DUPLICATE_PERSON].format(
                other=f"{other.full_name} (#{other.id})", similarity=float(score)
            )
            raise PhotoRejected(Reason.DUPLICATE_PERSON.value, text)


def _figures_of(template: FaceTemplate) -> QualityFigures:
    return QualityFigures(
        det_score=template.det_score,
        face_px=template.face_px,
        sharpness=template.sharpness,
        brightness=template.brightness,
        yaw=template.yaw,
    )
