"""Checking people in: one arrival by person id, or every face of an image recognised here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from sqlalchemy.orm import Session

from attendance.checkin import CheckInResult, check_in
from attendance.checkin_window import CheckinRules
from attendance.errors import Invalid
from attendance.matching import Decision
from attendance.meetings import roster_ids
from attendance.orm import AttendanceEvent
from attendance.recognition import IdentifiedFace
from attendance.review.service import needs_review, record_review, review_by_key
from attendance.review.tables import CONFIRMED, REJECTED, ReviewItem
from attendance.text import clean_text
from attendance.voting.passes import issue_pass_on_arrival
from enrollment.quality_gate import is_whole
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
    # Earned, but a working link was issued earlier (before the meeting, at the door): no new
    # one, so the phone that holds it keeps working and shows the ballot by itself.
    voting_link_held: bool = False


class Outcome(str, Enum):
    """What a photo check-in did with one face."""

    CHECKED_IN = "checked_in"  # recognised; this photo checked the person in
    ALREADY_CHECKED_IN = "already_checked_in"  # recognised; they had arrived before
    SENT_TO_REVIEW = "sent_to_review"  # unsure: a secretary confirms or rejects it
    NOT_CHECKED_IN = "not_checked_in"  # unknown, not on the roster, or nothing to ask


@dataclass(frozen=True)
class QueuedReview:
    item: ReviewItem
    created: bool  # False: the same key asked before (a retry), the first item is answered


@dataclass(frozen=True)
class FaceOutcome:
    face: IdentifiedFace
    outcome: Outcome
    arrival: Arrival | None = None  # CHECKED_IN, ALREADY_CHECKED_IN
    review: QueuedReview | None = None  # SENT_TO_REVIEW, or an item already answered
    moot: bool = False  # unsure, but about someone already checked in: nothing was asked
    settled: AttendanceEvent | None = None  # the item was confirmed: the arrival it made


@dataclass(frozen=True)
class ImageCheckin:
    arrivals: list[Arrival]
    faces: list[IdentifiedFace]  # largest first, each with its decision
    outcomes: list[FaceOutcome] = field(default_factory=list)  # one per face, in that order

    @property
    def reviews(self) -> list[QueuedReview]:
        return [o.review for o in self.outcomes if o.review is not None]


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
    by: str | None = None,
    rules: CheckinRules = CheckinRules(),
    now: datetime | None = None,
    zone: str = "UTC",
) -> Arrival:
    """Check one person in; the voting link comes by the one rule (voting.passes), by `role`.

    `actor` marks a manual check-in (audited with its reason); `by` is whoever records the
    arrival (the signed-in staff member or the token's name), named in the audit log as
    the one who handed out the voting link it brings (`actor` when not given).
    """
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
        by=by,
    )
    link = issue_pass_on_arrival(
        session,
        event=result.event,
        created=result.created,
        role=role,
        actor=by or actor or role,
    )
    return Arrival(result, link.token, voting_link_held=link.held)


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
    by: str | None = None,
    rules: CheckinRules = CheckinRules(),
    zone: str = "UTC",
) -> ImageCheckin:
    """Check in every face matched to the roster; queue the grey-zone ones for a secretary."""
    _within("source", source, MAX_SOURCE)
    _within("idempotency_key", key, MAX_KEY)
    faces = recognize(session, recognizer=recognizer, image=image, meeting_id=meeting_id)
    roster = roster_ids(session, meeting_id=meeting_id)
    outcomes: list[FaceOutcome] = []
    height, width = image.pixels.shape[:2]
    for index, face in enumerate(faces):
        # A face cut by the photo's edge is a bystander's half: not worth a secretary's look.
        whole = is_whole(image.to_working(face.box), width, height)
        if whole and needs_review(
            face.decision, threshold=recognizer.policy.threshold, roster=roster
        ):
            # Not sure enough to check in, too close to ignore: a secretary decides.
            review = _queue(session, image, face, meeting_id, source, key=f"{key}:face{index}")
            outcomes.append(_reviewed(session, face, review))
        elif face.decision.decision is Decision.MATCH and face.person is not None:
            arrival_key = f"{key}:{face.person.id}"
            arrival = record_arrival(
                session,
                role=role,
                meeting_id=meeting_id,
                person_id=face.person.id,
                source=source,
                idempotency_key=arrival_key,
                similarity=face.decision.similarity,
                margin=face.decision.margin,
                by=by,
                rules=rules,
                zone=zone,
            )
            # By the event's key, not `created`: the same photo sent again, the same answer.
            mine = arrival.result.event.idempotency_key == clean_text(arrival_key, field="key")
            outcome = Outcome.CHECKED_IN if mine else Outcome.ALREADY_CHECKED_IN
            outcomes.append(FaceOutcome(face, outcome, arrival=arrival))
        else:
            outcomes.append(FaceOutcome(face, Outcome.NOT_CHECKED_IN))
    arrivals = [o.arrival for o in outcomes if o.arrival is not None]
    return ImageCheckin(arrivals, faces, outcomes)


def _reviewed(session: Session, face: IdentifiedFace, review: QueuedReview | None) -> FaceOutcome:
    """An unsure face: waiting for a secretary, or (the same photo sent again) as they
    answered: confirmed is the arrival they made, rejected is no arrival."""
    if review is None:
        return FaceOutcome(face, Outcome.NOT_CHECKED_IN, moot=True)
    item = review.item
    if item.status == CONFIRMED:
        event = None if item.event_id is None else session.get(AttendanceEvent, item.event_id)
        return FaceOutcome(face, Outcome.CHECKED_IN, review=review, settled=event)
    if item.status == REJECTED:
        return FaceOutcome(face, Outcome.NOT_CHECKED_IN, review=review)
    return FaceOutcome(face, Outcome.SENT_TO_REVIEW, review=review)


def _queue(
    session: Session,
    image: DecodedImage,
    face: IdentifiedFace,
    meeting_id: int,
    source: str,
    *,
    key: str,
) -> QueuedReview | None:
    """The face's review item, queued once per key; None when its candidate is in already."""
    asked = review_by_key(session, meeting_id=meeting_id, key=key)
    item = record_review(
        session,
        meeting_id=meeting_id,
        decision=face.decision,
        source=source,
        key=key,
        crop_jpeg=None if asked else face_crop_jpeg(image.pixels, image.to_working(face.box)),
    )
    return None if item is None else QueuedReview(item, created=asked is None)


def _within(field: str, value: str, limit: int) -> None:
    # Refused, never cut: two long keys cut to the same prefix would be counted as one event.
    if len(value) > limit:
        raise Invalid(
            f"Trường {field} dài quá {limit} ký tự. {field} must be at most {limit} characters.",
            code="INVALID_REQUEST",
        )
