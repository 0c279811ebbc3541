"""The answer to a check-in: each arrival, and for a photo what became of every face."""

from __future__ import annotations

from collections.abc import Callable, Collection

from api.convert import brief, event_read, face_read, local
from api.convert_voting import voting_url
from api.link_reach import unreachable
from api.schemas import (
    CheckinFaceRead,
    EventRead,
    ImageCheckinRead,
    PersonBrief,
    ReviewQueuedRead,
)
from attendance.matching import Decision
from attendance.orm import Person
from attendance.review.tables import PENDING
from attendance.settings import Settings
from usecases.checkins import Arrival, FaceOutcome, ImageCheckin, Outcome

LINK_HELD = (
    "Đã cấp liên kết trước: liên kết bỏ phiếu đại biểu đang giữ vẫn dùng được; không cấp liên "
    "kết mới. Link issued earlier: the voting link the delegate holds still works; no new "
    "link was issued."
)


def arrival_read(settings: Settings, arrival: Arrival) -> EventRead:
    result = arrival.result
    read = event_read(result.event, created=result.created, zone=settings.timezone)
    if arrival.voting_token is not None:
        read.voting_url = voting_url(settings, arrival.voting_token)
        reach = unreachable(read.voting_url, settings)
        read.voting_url_warning = reach.bilingual() if reach else None
    elif arrival.voting_link_held:
        read.voting_link_issued_earlier = True
        read.voting_link_message = LINK_HELD
    return read


def image_checkin_read(
    settings: Settings, done: ImageCheckin, *, nameable: Collection[int] | None = None
) -> ImageCheckinRead:
    """`nameable`: whom the caller may learn from a face, the meeting's roster for a kiosk
    token or a teacher (who may not read the whole register; None: anyone). Anyone else a
    face resembles (a child of another class or school) is left unnamed: a photo must not
    tell them who an enrolled person is."""

    def shown(person: Person | None) -> PersonBrief | None:
        hidden = person is not None and nameable is not None and person.id not in nameable
        return None if hidden else brief(person)

    faces = [_face(settings, o, shown=shown) for o in done.outcomes]
    reviews = [
        ReviewQueuedRead(
            review_id=o.review.item.id,
            face=index,
            status=o.review.item.status,
            created=o.review.created,
            candidate=shown(o.review.item.candidate),
            runner_up=shown(o.review.item.runner_up),
            similarity=round(o.review.item.similarity, 4),
            margin=None if o.review.item.margin is None else round(o.review.item.margin, 4),
            decision=o.review.item.decision,
        )
        for index, o in enumerate(done.outcomes)
        if o.review is not None
    ]
    return ImageCheckinRead(
        events=[arrival_read(settings, a) for a in done.arrivals], faces=faces, reviews=reviews
    )


def _face(
    settings: Settings, done: FaceOutcome, *, shown: Callable[[Person | None], PersonBrief | None]
) -> CheckinFaceRead:
    read = face_read(done.face)
    candidate = shown(done.face.candidate)
    hidden = candidate is None and done.face.candidate is not None
    if hidden:
        read = read.model_copy(update={"candidate": None})
    return CheckinFaceRead(
        **read.model_dump(),
        outcome=done.outcome.value,
        event_id=(
            done.arrival.result.event.id
            if done.arrival
            else done.settled.id
            if done.settled
            else None
        ),
        review_id=done.review.item.id if done.review else None,
        message=(
            "Người này không có trong danh sách cuộc họp này. "
            "This person is not on this meeting's roster."
            if hidden and done.face.decision.decision is Decision.NOT_ON_ROSTER
            else face_message(settings, done)
        ),
    )


def face_message(settings: Settings, done: FaceOutcome) -> str:
    """One bilingual sentence a person can read: what the system did with this face."""
    face = done.face
    candidate = face.candidate.full_name if face.candidate else ""
    similarity = face.decision.similarity or 0.0
    if done.arrival is not None:
        name = done.arrival.result.event.person.full_name
        if done.outcome is Outcome.CHECKED_IN:
            return f"Đã điểm danh {name}. {name} checked in."
        at = local(done.arrival.result.event.at, settings.timezone).strftime("%H:%M")
        return f"{name} đã điểm danh lúc {at}. {name} was already checked in at {at}."
    if done.review is not None and done.review.item.status != PENDING:
        return _answered(done)
    if done.review is not None:
        number = done.review.item.id
        return (
            f"Chưa chắc chắn: giống {candidate} (độ giống {similarity:.2f}); đã chuyển thư ký "
            f"xác nhận (mục số {number}). Unsure: looks like {candidate} (similarity "
            f"{similarity:.2f}); sent to the secretary to confirm (item {number})."
        )
    if done.moot:
        return (
            f"Chưa chắc chắn, nhưng {candidate} đã điểm danh rồi. "
            f"Unsure, but {candidate} is already checked in."
        )
    decision = face.decision.decision
    if decision is Decision.NOT_ON_ROSTER:
        return (
            f"{candidate} không có trong danh sách cuộc họp này. "
            f"{candidate} is not on this meeting's roster."
        )
    if decision is Decision.AMBIGUOUS:
        return "Hai người quá giống nhau, không điểm danh. Too close to call; not checked in."
    return "Không nhận ra khuôn mặt này. Face not recognised."


def _answered(done: FaceOutcome) -> str:
    """The same photo again, after a secretary answered its review item."""
    assert done.review is not None
    number = done.review.item.id
    if done.outcome is Outcome.CHECKED_IN:
        name = done.settled.person.full_name if done.settled else ""
        return (
            f"Thư ký đã xác nhận (mục số {number}): {name} đã điểm danh. "
            f"The secretary confirmed it (item {number}): {name} checked in."
        )
    return (
        f"Thư ký đã bác bỏ (mục số {number}): không điểm danh. "
        f"The secretary rejected it (item {number}): not checked in."
    )
