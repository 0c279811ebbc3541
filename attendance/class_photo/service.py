"""Keeping a class photo's proposed matches until its teacher confirms them, or they expire.

No photo is stored: only each face's box and proposed person, and small crops of the
unknown faces for the teacher to look at, sealed like face templates. The crops are erased
when the photo is confirmed; at `expires_at` the faces go too (by the retention job,
attendance/retention.py), and the photo answers 410 from then on."""

from __future__ import annotations

import base64
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from attendance.class_photo.sealing import open_crop, seal_crop
from attendance.class_photo.tables import ClassPhoto
from attendance.errors import NotFound
from attendance.orm import utcnow

logger = logging.getLogger(__name__)

MAX_PHOTO_ID = 64


@dataclass(frozen=True)
class PhotoFace:
    box: tuple[float, float, float, float]  # in the uploaded photo's pixels
    person_id: int | None  # the proposed roster member; None for an unknown face
    similarity: float | None  # of the proposed person (or the best candidate's, if any)
    # {"asked": true, "similarity_alone": ...} when the second model was asked (similarity is
    # then fused), None otherwise and for photos stored before it was kept.
    second_opinion: dict[str, object] | None = None


def store_photo(
    session: Session,
    *,
    meeting_id: int,
    taken_by: str,
    faces: list[PhotoFace],
    crops: dict[int, bytes],
    hours: int,
    now: datetime | None = None,
) -> ClassPhoto:
    """A new pending photo under a random id; `crops`: JPEG crops by face index."""
    at = now or utcnow()
    photo_id = secrets.token_urlsafe(24)
    sealed = {i: seal_crop(session, data, photo_id=photo_id, index=i) for i, data in crops.items()}
    photo = ClassPhoto(
        id=photo_id,
        meeting_id=meeting_id,
        taken_by=taken_by[:200],
        created_at=at,
        expires_at=at + timedelta(hours=hours),
        faces_json=json.dumps(
            [
                {
                    "box": list(f.box),
                    "person_id": f.person_id,
                    "similarity": f.similarity,
                    "second_opinion": f.second_opinion,
                }
                for f in faces
            ]
        ),
        crops_json=json.dumps(
            {str(i): base64.b64encode(data).decode("ascii") for i, data in sealed.items()}
        ),
    )
    session.add(photo)
    session.flush()
    return photo


def pending_count(session: Session, *, meeting_id: int, now: datetime | None = None) -> int:
    """The meeting's photos not yet confirmed and not yet expired."""
    at = now or utcnow()
    return (
        session.scalar(
            select(func.count())
            .select_from(ClassPhoto)
            .where(
                ClassPhoto.meeting_id == meeting_id,
                ClassPhoto.confirmed_at.is_(None),
                ClassPhoto.expires_at > at,
            )
        )
        or 0
    )


def pending_photo(
    session: Session, *, meeting_id: int, photo_id: str, now: datetime | None = None
) -> ClassPhoto:
    """The photo of this meeting; 404 for another meeting's or none, 410 once expired (the
    retention job erases its faces; nothing is written here, the refusal rolls back)."""
    photo = session.get(ClassPhoto, photo_id) if len(photo_id) <= MAX_PHOTO_ID else None
    if photo is None or photo.meeting_id != meeting_id:
        raise NotFound(
            "Không có ảnh lớp này cho buổi này. No such class photo for this meeting.",
            code="CLASS_PHOTO_NOT_FOUND",
        )
    if photo.expires_at <= (now or utcnow()):
        raise NotFound(
            "Ảnh lớp đã hết hạn và đã bị xoá; hãy chụp lại. "
            "The class photo has expired and was erased; take it again.",
            code="CLASS_PHOTO_EXPIRED",
        )
    return photo


def faces_of(photo: ClassPhoto) -> list[PhotoFace]:
    return [
        PhotoFace(
            box=(float(f["box"][0]), float(f["box"][1]), float(f["box"][2]), float(f["box"][3])),
            person_id=f["person_id"],
            similarity=f["similarity"],
            second_opinion=f.get("second_opinion"),
        )
        for f in json.loads(photo.faces_json)
    ]


def crop_indexes(photo: ClassPhoto) -> set[int]:
    return {int(i) for i in json.loads(photo.crops_json or "{}")}


def crop_of(session: Session, photo: ClassPhoto, *, index: int) -> bytes:
    """An unknown face's crop (JPEG); 404 when there is none (a known face, or erased)."""
    data = json.loads(photo.crops_json or "{}").get(str(index))
    if data is None:
        raise NotFound(
            "Không có ảnh khuôn mặt này. No such face crop.", code="CLASS_PHOTO_NOT_FOUND"
        )
    return open_crop(session, base64.b64decode(data), photo_id=photo.id, index=index)


def mark_confirmed(
    session: Session, photo: ClassPhoto, *, by: str, now: datetime | None = None
) -> None:
    """Confirmed: the unknown faces' crops have served their purpose and go now."""
    if photo.confirmed_at is None:
        photo.confirmed_at = now or utcnow()
        photo.confirmed_by = by[:200]
    photo.crops_json = None
    session.flush()


def purge_expired_photos(session: Session, *, now: datetime | None = None) -> int:
    """Erase the faces and crops of every photo past its hours; the count erased."""
    result = session.execute(
        update(ClassPhoto)
        .where(ClassPhoto.expires_at <= (now or utcnow()), ClassPhoto.faces_json != "[]")
        .values(faces_json="[]", crops_json=None)
    )
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        logger.info("class photos: %d expired photos erased", count)
    return count
