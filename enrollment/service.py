"""Enroll one photo of a person: decode, detect, gate, embed, duplicate check, store."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace

import numpy as np
from sqlalchemy.orm import Session

from attendance.consent import require_consent
from attendance.consent_tables import MEETINGS
from attendance.errors import Conflict, Invalid, PhotoRejected
from attendance.gallery_cache import GalleryCache
from attendance.orm import FaceTemplate
from attendance.people import get_person, lock_people
from attendance.settings import Settings
from attendance.templates import QualityFigures, add_template, find_template, template_vector
from attendance.text import clean_text
from attendance.thresholds import ThresholdRule, calibration_for
from enrollment.quality_gate import (
    MESSAGES,
    GateLimits,
    GateVerdict,
    Reason,
    choose_face,
    judge_human,
    judge_quality,
    rank_faces,
)
from models.crops import face_crop_jpeg
from models.images import DecodedImage, ImageDecoder, ImageRejected, decode_upright
from models.packs import FacePipeline
from models.quality import measure_quality
from usecases.decoding import decode_limits

Box = tuple[float, float, float, float]
# The same face of the same photo embeds alike to rounding (cosine 1.0); two faces of one
# photo are far below (the closest lfw-dev pairs of different people stay under 0.9).
SAME_FACE = 0.98


@dataclass(frozen=True)
class EnrollOutcome:
    template: FaceTemplate
    quality: QualityFigures
    created: bool
    box: Box | None = None  # the enrolled face in the photo's pixels (None: sent before)
    face_index: int | None = None  # its place among the photo's faces


def gate_limits(settings: Settings) -> GateLimits:
    e = settings.enroll
    return GateLimits(
        min_face_px=e.min_face_px,
        min_sharpness=e.min_sharpness,
        min_brightness=e.min_brightness,
        max_yaw=e.max_yaw,
        dominance=e.dominance,
        min_confidence=e.min_confidence,
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
    face_index: int | None = None,
    photo_name: str | None = None,
    actor: str = "system",
    purpose: str = MEETINGS,
) -> EnrollOutcome:
    """Add one face template for a person, or raise PhotoRejected with the reason.

    Only under a consent for `purpose` (CONSENT_REQUIRED otherwise, before the photo is even
    decoded). The face is the photo's subject, or the one at `face_index` among the faces
    that a MULTIPLE_FACES refusal listed. A server passes its `decoder`, which bounds the
    decodes it runs at once."""
    person = get_person(session, person_id=person_id)
    consent = require_consent(session, person_id=person.id, purpose=purpose)
    photo_sha256 = hashlib.sha256(data).hexdigest()
    model_key = pipeline.identity.key
    existing = find_template(
        session, person_id=person.id, model_key=model_key, photo_sha256=photo_sha256
    )
    if existing is not None and face_index is None:
        return EnrollOutcome(existing, _figures_of(existing), created=False)
    decoded = _decode(data, settings, decoder)
    image = decoded.pixels
    limits = gate_limits(settings)
    height, width = image.shape[:2]
    ranked = rank_faces(pipeline.detect(image), width, height)
    chosen = choose_face(ranked, limits, face_index=face_index)
    if chosen.face is None:
        raise _refusal(chosen, decoded)
    if existing is not None:
        return _chosen_again(session, pipeline, decoded, chosen, existing, person.full_name)
    measured = measure_quality(image, chosen.face)
    # The face's size as the photo has it, not as decoded: what the sender can check.
    measured = replace(measured, face_px=measured.face_px * decoded.scale)
    verdict = judge_quality(measured, limits)
    if verdict.reason is None:  # only then: the second look costs a detection
        verdict = judge_human(pipeline.confidence(image, chosen.face), limits)
    if verdict.reason is not None:
        # A face chosen by index and refused: the faces are listed again, to choose another.
        listed = chosen.faces if face_index is not None else ()
        raise _refusal(replace(verdict, faces=listed), decoded)
    embedding = pipeline.embed(image, [chosen.face])
    if not confirm_different_person:
        _refuse_duplicate(
            session, gallery_cache, embedding, person.id, settings, model_key, purpose
        )
    figures = QualityFigures(**asdict(measured))
    # Asked again under the person's lock: a withdrawal that committed while the photo was
    # being read must not be outlived by a template stored under the consent it withdrew.
    lock_people(session, person_ids=[person.id])
    consent = require_consent(session, person_id=person.id, purpose=purpose)
    template = add_template(
        session,
        person_id=person.id,
        model_key=model_key,
        embedding=embedding[0],
        quality=figures,
        photo_sha256=photo_sha256,
        crop_jpeg=face_crop_jpeg(image, chosen.face.box),
        photo_name=_photo_name(photo_name),
        actor=actor,
        consent_id=consent.id,
    )
    if pipeline.second is not None:
        # The second model's template of the same face, in the same transaction: both are
        # stored, or neither; it keeps no crop (its primary's is the face's).
        add_template(
            session,
            person_id=person.id,
            model_key=pipeline.second.identity.key,
            embedding=pipeline.embed_second(image, [chosen.face])[0],
            quality=figures,
            photo_sha256=photo_sha256,
            photo_name=template.photo_name,
            actor=actor,
            consent_id=consent.id,
            companion_of=template.id,
        )
    box = decoded.to_original(chosen.face.box)
    return EnrollOutcome(template, figures, created=True, box=box, face_index=chosen.index)


def _chosen_again(
    session: Session,
    pipeline: FacePipeline,
    decoded: DecodedImage,
    chosen: GateVerdict,
    existing: FaceTemplate,
    full_name: str,
) -> EnrollOutcome:
    """A photo already enrolled for this person, sent with a `face_index` again (an index
    that names no face was refused as for any photo): the face enrolled from it is a retry
    (the same answer, nothing added); another face is a conflict, as one person is one
    face of a photo: choosing another means the first was wrong."""
    assert chosen.face is not None
    image = decoded.pixels
    seen = pipeline.embed(image, [chosen.face])[0]
    stored = template_vector(session, existing)
    if float(seen @ stored) / float(np.linalg.norm(seen) * np.linalg.norm(stored)) >= SAME_FACE:
        box = decoded.to_original(chosen.face.box)
        figures = _figures_of(existing)
        return EnrollOutcome(existing, figures, created=False, box=box, face_index=chosen.index)
    raise Conflict(
        f"Ảnh này đã được đăng ký cho {full_name} (ảnh số {existing.id}) với khuôn mặt khác; "
        "muốn chọn khuôn mặt này thì hãy xóa ảnh đó trước. This photo is already enrolled for "
        f"this person (photo {existing.id}) with another face; to choose this one, delete "
        "that photo first.",
        code="PHOTO_ALREADY_ENROLLED",
    )


def _decode(data: bytes, settings: Settings, decoder: ImageDecoder | None) -> DecodedImage:
    try:
        if decoder is not None:
            return decoder.decode(data)
        return decode_upright(data, decode_limits(settings))
    except ImageRejected as exc:
        if exc.code != Reason.UNREADABLE_IMAGE.value:
            raise
        raise PhotoRejected(Reason.UNREADABLE_IMAGE.value, exc.detail) from exc


def _refusal(verdict: GateVerdict, decoded: DecodedImage) -> PhotoRejected:
    """The verdict's refusal, with every face's box in the photo's pixels."""
    assert verdict.reason is not None
    boxes = [decoded.to_original(f.box) for f in verdict.faces]
    return PhotoRejected(verdict.reason.value, verdict.detail, faces=boxes)


def _photo_name(name: str | None) -> str | None:
    """The file's own name, shown beside its crop; a path or odd characters are dropped."""
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return clean_text(base, field="photo_name")[:255] or None
    except Invalid:  # a name with control characters is not worth refusing the photo for
        return None


def _refuse_duplicate(
    session: Session,
    gallery_cache: GalleryCache,
    embedding: np.ndarray,
    person_id: int,
    settings: Settings,
    model_key: str,
    purpose: str = MEETINGS,
) -> None:
    """Refuse when the face's best match is someone else, at or above the duplicate threshold,
    among the faces kept for the same purpose (a school's students among school faces).

    A new person is searched against everyone enrolled, so the threshold is the one for
    that many people, at the stricter rate `enroll.duplicate_fpir`: a refusal stops a
    secretary, and at FPIR 1% one person in a hundred would be called someone else."""
    gallery = gallery_cache.get(session, purpose=purpose)
    rule = ThresholdRule(
        fpir=settings.enroll.duplicate_fpir,
        calibration=calibration_for(model_key),
        fixed=settings.match.threshold,
    )
    threshold = rule.for_size(len(gallery.people))
    result = gallery.search(embedding, k=1)
    for other_id, score in zip(result.person_ids[0], result.scores[0]):
        if other_id >= 0 and other_id != person_id and score >= threshold:
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
