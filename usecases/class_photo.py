"""Attendance from one class photo: find every face, propose roster members, then check in
exactly those the teacher confirms."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.checkin_window import CheckinRules
from attendance.class_photo.service import (
    PhotoFace,
    faces_of,
    mark_confirmed,
    pending_count,
    pending_photo,
    store_photo,
)
from attendance.class_photo.tables import ClassPhoto
from attendance.errors import Conflict, Forbidden, Invalid
from attendance.matching import Decision
from attendance.meetings import get_meeting, roster_ids
from attendance.orm import Person
from attendance.recognition import identify_faces
from attendance.schools.sessions import meeting_purpose
from attendance.text import clean_text
from models.crops import face_crop_jpeg
from models.images import DecodedImage
from usecases.checkins import Arrival, record_arrival
from usecases.recognition import Recognizer, ensure_few_enough_faces, second_opinion

logger = logging.getLogger(__name__)

SOURCE = "class_photo"


@dataclass(frozen=True)
class PhotoView:
    """A pending photo as its teacher sees it: proposed matches, unknown faces, the rest."""

    photo: ClassPhoto
    faces: list[PhotoFace]
    people: dict[int, Person]  # every roster member
    not_seen: list[Person]  # roster members no face was matched to, by name


@dataclass(frozen=True)
class ConfirmedPerson:
    person: Person
    arrival: Arrival
    recorded: bool  # False: they were checked in already (by this photo or otherwise)


def analyse_class_photo(
    session: Session,
    *,
    recognizer: Recognizer,
    image: DecodedImage,
    meeting_id: int,
    taken_by: str,
    hours: int,
    max_pending: int = 10,
) -> PhotoView:
    """Every face of the photo matched against the meeting's roster only, each member at most
    once (the assignment of a frame); nothing is checked in. Kept as a pending photo.
    Refused past the recognizer's `max_faces` faces (before any is embedded) and past
    `max_pending` pending photos of the meeting (before any is detected)."""
    get_meeting(session, meeting_id=meeting_id)
    ensure_room_for_photo(session, meeting_id=meeting_id, max_pending=max_pending)
    started = time.perf_counter()
    faces = sorted(recognizer.pipeline.detect_all(image.pixels), key=lambda f: f.area, reverse=True)
    if not faces:
        raise Invalid(
            "Không tìm thấy khuôn mặt nào trong ảnh; hãy chụp lại từ phía trước lớp, đủ sáng. "
            "No face was found in the photo; take it again from the front, in good light.",
            code="NO_FACE",
        )
    ensure_few_enough_faces(faces, max_faces=recognizer.max_faces)
    roster = roster_ids(session, meeting_id=meeting_id)
    purpose = meeting_purpose(session, meeting_id=meeting_id)
    everyone = recognizer.gallery.get(session, purpose=purpose)
    gallery = everyone.subset(roster)
    identified = identify_faces(
        session,
        gallery=gallery,
        embeddings=recognizer.pipeline.embed(image.pixels, faces),
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
            primary=everyone,
            roster=roster,
        ),
    )
    proposed: list[PhotoFace] = []
    crops: dict[int, bytes] = {}
    for index, (face, found) in enumerate(zip(faces, identified)):
        matched = found.decision.decision is Decision.MATCH and found.person is not None
        person_id = found.person.id if matched and found.person is not None else None
        box = tuple(round(v, 1) for v in found.box)
        similarity = found.decision.similarity
        proposed.append(
            PhotoFace(
                box=(box[0], box[1], box[2], box[3]),
                person_id=person_id,
                similarity=None if similarity is None else round(similarity, 4),
                second_opinion=(
                    None if found.second_opinion is None else found.second_opinion.as_dict()
                ),
            )
        )
        if person_id is None:
            crops[index] = face_crop_jpeg(image.pixels, face.box)
    photo = store_photo(
        session,
        meeting_id=meeting_id,
        taken_by=taken_by,
        faces=proposed,
        crops=crops,
        hours=hours,
    )
    logger.info(
        "class photo for meeting %d: %d faces, %d proposed, %.2f s",
        meeting_id,
        len(faces),
        len(faces) - len(crops),
        time.perf_counter() - started,
    )
    return _view(session, photo)


def ensure_room_for_photo(session: Session, *, meeting_id: int, max_pending: int) -> None:
    """409 when the meeting already holds `max_pending` unconfirmed, unexpired photos: a
    teacher confirms (or waits out) one first. Refused rather than dropping the oldest, so
    one caller can never erase another's photo awaiting its confirm."""
    waiting = pending_count(session, meeting_id=meeting_id)
    if waiting >= max_pending:
        raise Conflict(
            f"Buổi này đã có {waiting} ảnh lớp chờ xác nhận; hãy xác nhận một ảnh trước. "
            f"This meeting already has {waiting} class photos awaiting a confirm; "
            "confirm one first.",
            code="TOO_MANY_PENDING_PHOTOS",
            extra={"pending": waiting, "max_pending": max_pending},
        )


def class_photo_view(session: Session, *, meeting_id: int, photo_id: str) -> PhotoView:
    return _view(session, pending_photo(session, meeting_id=meeting_id, photo_id=photo_id))


def confirm_class_photo(
    session: Session,
    *,
    meeting_id: int,
    photo_id: str,
    person_ids: list[int],
    role: str,
    by: str,
    rules: CheckinRules = CheckinRules(),
    zone: str = "UTC",
) -> list[ConfirmedPerson]:
    """Check in exactly `person_ids` (all on the roster, or nothing is written), at the
    photo's time, once each: the key of photo and person makes a second confirm a no-op."""
    photo = pending_photo(session, meeting_id=meeting_id, photo_id=photo_id)
    roster = roster_ids(session, meeting_id=meeting_id)
    wanted = list(dict.fromkeys(person_ids))
    outside = [p for p in wanted if p not in roster]
    if outside:
        raise Forbidden(
            "Không có trong danh sách của buổi này: "
            f"{', '.join(map(str, outside))}. Not on this meeting's roster: "
            f"{', '.join(map(str, outside))}.",
            code="NOT_ON_ROSTER",
            extra={"person_ids": outside},
        )
    similarity = {f.person_id: f.similarity for f in faces_of(photo) if f.person_id is not None}
    people = _people(session, set(wanted))
    done = []
    for person_id in wanted:
        key = f"classphoto-{photo.id}-{person_id}"
        arrival = record_arrival(
            session,
            role=role,
            meeting_id=meeting_id,
            person_id=person_id,
            source=SOURCE,
            idempotency_key=key,
            at=photo.created_at,
            similarity=similarity.get(person_id),
            by=by,
            rules=rules,
            zone=zone,
        )
        mine = arrival.result.event.idempotency_key == clean_text(key, field="key")
        recorded = mine and arrival.result.created
        done.append(ConfirmedPerson(people[person_id], arrival, recorded))
    mark_confirmed(session, photo, by=by)
    return done


def _view(session: Session, photo: ClassPhoto) -> PhotoView:
    faces = faces_of(photo)
    people = _people(session, roster_ids(session, meeting_id=photo.meeting_id))
    seen = {f.person_id for f in faces if f.person_id is not None}
    not_seen = sorted(
        (p for p in people.values() if p.id not in seen), key=lambda p: (p.search_name, p.id)
    )
    return PhotoView(photo=photo, faces=faces, people=people, not_seen=not_seen)


def _people(session: Session, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
