"""How long a review item's face crop is kept: never past the reason it was taken for.

A crop is a stranger's face until a secretary says whose it is, so it goes as soon as it
has no purpose left: the item is confirmed or rejected, the candidate arrives some other
way, the person's face data is erased, or the meeting has been over for a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, bindparam, or_, select, update
from sqlalchemy.orm import Session

from attendance.db import forget_after_commit
from attendance.orm import Meeting, utcnow
from attendance.review.tables import ARRIVED, ERASED, EXPIRED, PENDING, ReviewItem

# Long enough for a secretary to settle the queue the morning after; short enough that a
# stranger's face does not outlive the meeting it was taken at.
STALE_AFTER = timedelta(hours=24)
SYSTEM = "system"


# Built once: every check-in asks it (building an ORM select cost more than running it).
_PENDING_OF_CANDIDATE = select(ReviewItem.id).where(
    ReviewItem.status == PENDING,
    ReviewItem.meeting_id == bindparam("meeting_id"),
    ReviewItem.candidate_id == bindparam("person_id"),
)


def resolve_on_arrival(session: Session, *, meeting_id: int, person_id: int) -> int:
    """The candidate checked in by another path (kiosk, staff): their items are moot."""
    ids = list(
        session.scalars(_PENDING_OF_CANDIDATE, {"meeting_id": meeting_id, "person_id": person_id})
    )
    return _close_ids(
        session, ids, status=ARRIVED, note="Đã điểm danh theo cách khác. Checked in another way."
    )


def forget_person_reviews(session: Session, *, person_id: int) -> int:
    """Face data erased: no crop of an item that names the person survives, pending or not."""
    # Only pending items still hold a crop: every other way out of the queue deletes it.
    return _close(
        session,
        [or_(ReviewItem.candidate_id == person_id, ReviewItem.runner_up_id == person_id)],
        status=ERASED,
        note="Dữ liệu khuôn mặt đã bị xóa. Face data was erased.",
    )


def purge_stale_reviews(
    session: Session, *, now: datetime | None = None, older_than: timedelta = STALE_AFTER
) -> int:
    """Expire the pending items of meetings that ended over `older_than` ago; their crops go.

    Cheap when there is nothing to do (one indexed read, no write lock), so readers of the
    queue call it every time.
    """
    cutoff = (now or utcnow()) - older_than
    ended = select(Meeting.id).where(Meeting.ends_at < cutoff)
    return _close(
        session,
        [ReviewItem.meeting_id.in_(ended)],
        status=EXPIRED,
        note="Hết hạn: cuộc họp đã kết thúc. Expired: the meeting is over.",
    )


def purge_old_review_crops(
    session: Session, *, older_than: timedelta, now: datetime | None = None
) -> int:
    """Expire pending items taken over `older_than` ago, whatever their meeting: a crop is
    never kept longer than the retention period (ATTEND_RETENTION__REVIEW_CROP_DAYS)."""
    cutoff = (now or utcnow()) - older_than
    return _close(
        session,
        [ReviewItem.created_at < cutoff],
        status=EXPIRED,
        note="Hết hạn lưu giữ ảnh khuôn mặt. Expired: kept for the retention period.",
    )


def _close(
    session: Session, conditions: list[ColumnElement[bool]], *, status: str, note: str
) -> int:
    # Read first: an UPDATE that matches nothing would still take SQLite's write lock.
    ids = list(
        session.scalars(select(ReviewItem.id).where(ReviewItem.status == PENDING, *conditions))
    )
    return _close_ids(session, ids, status=status, note=note)


def _close_ids(session: Session, ids: list[int], *, status: str, note: str) -> int:
    """Close these items if still pending (what _close found)."""
    if not ids:
        return 0
    result = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id.in_(ids), ReviewItem.status == PENDING)
        .values(
            status=status,
            crop_jpeg=None,
            resolved_at=utcnow(),
            resolved_by=SYSTEM,
            note=note,
        )
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    forget_after_commit(session)  # the crops leave the WAL and the freed pages too
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
