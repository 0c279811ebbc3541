"""Uncertain matches wait here until a secretary confirms (check-in) or rejects them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attendance import audit
from attendance.checkin import CheckInResult, check_in
from attendance.checkin_window import CheckinRules
from attendance.db import forget_after_commit
from attendance.errors import Conflict, Invalid, NotFound
from attendance.matching import GREY_ZONE, Decision, FaceDecision
from attendance.orm import MAX_ID, utcnow
from attendance.presence import presence_event
from attendance.review.retention import purge_stale_reviews
from attendance.review.tables import CONFIRMED, PENDING, REJECTED, ReviewItem
from attendance.text import clean_text

MAX_KEY = 200  # the key column's length


def needs_review(
    decision: FaceDecision,
    *,
    threshold: float,
    roster: Collection[int],
    grey_zone: float = GREY_ZONE,
) -> bool:
    """Ambiguous, or unknown but only just, with a best candidate who is on the roster.

    "Only just" is the decision's own grey zone (from its `review_floor`, which follows the
    roster's size, up to its threshold), else `grey_zone` under `threshold`."""
    if decision.candidate_id is None or decision.similarity is None:
        return False
    if decision.candidate_id not in roster:
        return False
    if decision.decision is Decision.AMBIGUOUS:
        return True
    if decision.review_floor is not None:
        floor = decision.review_floor
    else:
        floor = (decision.threshold if decision.threshold is not None else threshold) - grey_zone
    return decision.decision is Decision.UNKNOWN and decision.similarity >= floor


def record_review(
    session: Session,
    *,
    meeting_id: int,
    decision: FaceDecision,
    source: str,
    key: str,
    crop_jpeg: bytes | None,
) -> ReviewItem | None:
    """Queue one uncertain face once (by `key`, per meeting); nothing when the candidate is in."""
    assert decision.candidate_id is not None and decision.similarity is not None
    existing = review_by_key(session, meeting_id=meeting_id, key=key)
    if existing is not None:
        return existing
    if presence_event(session, meeting_id=meeting_id, person_id=decision.candidate_id):
        return None
    item = ReviewItem(
        meeting_id=meeting_id,
        candidate_id=decision.candidate_id,
        runner_up_id=decision.runner_up_id,
        similarity=decision.similarity,
        margin=decision.margin,
        decision=decision.decision.value,
        source=clean_text(source, field="source")[:100],
        key=_stored_key(meeting_id, key),
        crop_jpeg=crop_jpeg,
    )
    try:
        with session.begin_nested():
            session.add(item)
    except IntegrityError:
        # The same key from a retry that overtook the first request (a kiosk's timeout).
        return review_by_key(session, meeting_id=meeting_id, key=key)
    return item


def review_by_key(session: Session, *, meeting_id: int, key: str) -> ReviewItem | None:
    """The item `record_review` queued (or would return) for this key, if any."""
    stored = _stored_key(meeting_id, key)
    return session.scalars(select(ReviewItem).where(ReviewItem.key == stored)).first()


def _stored_key(meeting_id: int, key: str) -> str:
    # A kiosk's key is its own: the same photo sent for two meetings is two questions.
    stored = f"m{meeting_id}:{key}"
    if len(stored) > MAX_KEY:
        # Never cut: two keys cut to the same prefix would make two faces one question.
        raise Invalid(
            f"Khóa của mục chờ xác nhận dài quá {MAX_KEY} ký tự. "
            f"The review item's key is longer than {MAX_KEY} characters.",
            code="INVALID_REQUEST",
        )
    return stored


def pending_reviews(session: Session, *, meeting_id: int) -> list[ReviewItem]:
    """The queue, oldest first; reading it first expires what has outlived its meeting."""
    purge_stale_reviews(session)
    return list(
        session.scalars(
            select(ReviewItem)
            .where(ReviewItem.meeting_id == meeting_id, ReviewItem.status == PENDING)
            .order_by(ReviewItem.id)
        )
    )


def get_review(session: Session, *, item_id: int) -> ReviewItem:
    item = session.get(ReviewItem, item_id) if 0 < item_id <= MAX_ID else None
    if item is None:
        raise NotFound(f"Không có mục chờ xác nhận số {item_id}. No review item with id {item_id}.")
    return item


@dataclass(frozen=True)
class Confirmation:
    item: ReviewItem
    arrival: CheckInResult  # `created` is False when the candidate had arrived meanwhile


def confirm_review(
    session: Session,
    *,
    item_id: int,
    actor: str,
    note: str | None = None,
    rules: CheckinRules = CheckinRules(),
) -> Confirmation:
    """The secretary says it is the candidate: check them in, with who and why.

    They arrived when the camera saw them, not when the secretary got to the queue.
    """
    item = _claim(session, item_id, CONFIRMED)
    reason = clean_text(note or "", field="note") or (
        f"Xác nhận nhận diện (độ giống {item.similarity:.2f}). "
        f"Match confirmed (similarity {item.similarity:.2f})."
    )
    result = check_in(
        session,
        meeting_id=item.meeting_id,
        person_id=item.candidate_id,
        source="review",
        idempotency_key=f"review:{item.id}",
        at=item.created_at,
        similarity=item.similarity,
        margin=item.margin,
        note=reason[:500],
        actor=actor,
        rules=rules,
    )
    _resolve(session, item, CONFIRMED, actor, reason, event_id=result.event.id)
    return Confirmation(item, result)


def reject_review(
    session: Session, *, item_id: int, actor: str, note: str | None = None
) -> ReviewItem:
    """Not the candidate: nothing is checked in; the face crop is deleted."""
    item = _claim(session, item_id, REJECTED)
    _resolve(session, item, REJECTED, actor, clean_text(note or "", field="note") or None)
    return item


def _claim(session: Session, item_id: int, status: str) -> ReviewItem:
    """Move the item out of pending; of two secretaries deciding at once, exactly one wins.

    Checking the status and then writing would let both pass the check; the conditional
    UPDATE is decided by the database, and the loser's matches no row.
    """
    item = get_review(session, item_id=item_id)
    claimed = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.status == PENDING)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            "Mục này đã được xử lý (có thể bởi người khác). "
            "This item has already been resolved (perhaps by someone else).",
            code="ALREADY_RESOLVED",
        )
    return item


def _resolve(
    session: Session,
    item: ReviewItem,
    status: str,
    actor: str,
    note: str | None,
    event_id: int | None = None,
) -> None:
    item.status = status
    item.resolved_at = utcnow()
    item.resolved_by = actor[:100]
    item.note = note[:500] if note else None
    item.event_id = event_id
    item.crop_jpeg = None  # biometric data: not kept once it has served its purpose
    session.flush()
    forget_after_commit(session)  # nor in the WAL or the freed pages, once this commits
    audit.record(
        session,
        actor=actor,
        action=f"review_{status}",
        meeting_id=item.meeting_id,
        subject=f"person:{item.candidate_id}",
        detail={"review_id": item.id, "similarity": round(item.similarity, 4), "note": note},
    )


def count_pending(session: Session, *, meeting_id: int) -> int:
    purge_stale_reviews(session)
    return int(
        session.scalar(
            select(func.count()).where(
                ReviewItem.meeting_id == meeting_id, ReviewItem.status == PENDING
            )
        )
        or 0
    )
