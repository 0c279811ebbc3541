"""Checking people in: one arrival by person id, or every face of an image recognised here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from attendance.checkin import CheckInResult, check_in
from attendance.checkin_window import CheckinRules
from attendance.errors import Invalid
from attendance.matching import Decision
from attendance.meetings import roster_ids
from attendance.recognition import IdentifiedFace
from attendance.review.service import needs_review, record_review
from attendance.voting.passes import issue_pass_on_arrival
from models.crops import face_crop_jpeg
from models.images import DecodedImage
from usecases.recognition import Recognizer, recognize

# What a caller may send for an image check-in; the keys derived from it (":<person id>",
# "m<meeting>:...:face<n>") must still fit the 200 characters of the key columns, uncut.
MAX_SOURCE = 100
MAX_KEY = 150


@dataclass(frozen=True)
class Arrival:
    result: CheckInResult
    voting_token: str | None  # the delegate's new voting link, shown once; None if not earned


@dataclass(frozen=True)
class ImageCheckin:
    arrivals: list[Arrival]
    faces: list[IdentifiedFace]  # largest first, each with its decision


def record_arrival(
    session: Session,
    *,
    role: str,
    meeting_id: int,
    person_id: int,
    source: str,
    idempotency_key: str,
    at: datetime | None = None,
    similarity: float | None = None,
    margin: float | None = None,
    note: str | None = None,
    actor: str | None = None,
    rules: CheckinRules = CheckinRules(),
    now: datetime | None = None,
    zone: str = "UTC",
) -> Arrival:
    """Check one person in; the voting link comes by the one rule (voting.passes), by `role`."""
    result = check_in(
        session,
        meeting_id=meeting_id,
        person_id=person_id,
        source=source,
        idempotency_key=idempotency_key,
        at=at,
        similarity=similarity,
        margin=margin,
        note=note,
        actor=actor,
        rules=rules,
        now=now,
        zone=zone,
    )
    token = issue_pass_on_arrival(session, event=result.event, created=result.created, role=role)
    return Arrival(result, token)


def image_key(*, meeting_id: int, data: bytes) -> str:
    """Without a key from the caller the image itself is the key: sending it again is a no-op.
    Per meeting: the same photo sent for another meeting is another check-in."""
    return f"img-{meeting_id}-" + hashlib.sha256(data).hexdigest()[:32]


def check_in_image(
    session: Session,
    *,
    recognizer: Recognizer,
    image: DecodedImage,
    meeting_id: int,
    source: str,
    key: str,
    role: str,
    rules: CheckinRules = CheckinRules(),
    zone: str = "UTC",
) -> ImageCheckin:
    """Check in every face matched to the roster; queue the grey-zone ones for a secretary."""
    _within("source", source, MAX_SOURCE)
    _within("idempotency_key", key, MAX_KEY)
    faces = recognize(session, recognizer=recognizer, image=image, meeting_id=meeting_id)
    roster = roster_ids(session, meeting_id=meeting_id)
    arrivals = []
    for index, face in enumerate(faces):
        if needs_review(face.decision, threshold=recognizer.policy.threshold, roster=roster):
            # Not sure enough to check in, too close to ignore: a secretary decides.
            record_review(
                session,
                meeting_id=meeting_id,
                decision=face.decision,
                source=source,
                key=f"{key}:face{index}",
                crop_jpeg=face_crop_jpeg(image.pixels, image.to_working(face.box)),
            )
        if face.decision.decision is not Decision.MATCH or face.person is None:
            continue
        arrivals.append(
            record_arrival(
                session,
                role=role,
                meeting_id=meeting_id,
                person_id=face.person.id,
                source=source,
                idempotency_key=f"{key}:{face.person.id}",
                similarity=face.decision.similarity,
                margin=face.decision.margin,
                rules=rules,
                zone=zone,
            )
        )
    return ImageCheckin(arrivals, faces)


def _within(field: str, value: str, limit: int) -> None:
    # Refused, never cut: two long keys cut to the same prefix would be counted as one event.
    if len(value) > limit:
        raise Invalid(
            f"Trường {field} dài quá {limit} ký tự. {field} must be at most {limit} characters.",
            code="INVALID_REQUEST",
        )
