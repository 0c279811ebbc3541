"""The retention purge, run by the server's scheduler (not only when a page is opened).

Review items and pending class photos keep the only face crops the server takes besides
enrolled templates (a grey-zone or unknown face waiting for a secretary or a teacher); no
frame is ever stored. A review crop goes a day after its meeting ends, or after
`review_crop_days`, whichever is first; a class photo's faces and crops when its hours are
up (attendance/class_photo). Each purge that removed something is audited with its count.
Templates are never purged here: unused ones are listed for re-consent
(attendance/reconsent.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from attendance import audit
from attendance.class_photo.service import purge_expired_photos
from attendance.db import unit_of_work
from attendance.orm import utcnow
from attendance.review.retention import SYSTEM, purge_old_review_crops, purge_stale_reviews

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    review_crops: int
    at: datetime
    class_photos: int = 0


def purge_expired(
    session: Session, *, review_crop_days: int, now: datetime | None = None
) -> Purged:
    """Purge what has outlived its retention period; audited when anything went."""
    at = now or utcnow()
    crops = purge_stale_reviews(session, now=at) + purge_old_review_crops(
        session, older_than=timedelta(days=review_crop_days), now=at
    )
    photos = purge_expired_photos(session, now=at)
    if crops or photos:
        detail: dict[str, object] = {"review_crops": crops, "at": at.isoformat()}
        if photos:
            detail["class_photos"] = photos
        audit.record(session, actor=SYSTEM, action="retention_purge", detail=detail)
        logger.info("retention: %d review crops, %d class photos purged", crops, photos)
    return Purged(review_crops=crops, at=at, class_photos=photos)


def retention_job(
    sessions: sessionmaker[Session],
    *,
    review_crop_days: int,
    also: Callable[[], int] | None = None,
) -> Callable[[], Purged]:
    """The job the scheduler runs: one unit of work per run; `also` purges what lives
    outside the database (the pages' pending photos) and returns how many went."""

    def run() -> Purged:
        with unit_of_work(sessions) as session:
            purged = purge_expired(session, review_crop_days=review_crop_days)
        if also is not None and (dropped := also()):
            logger.info("retention: %d pending photos expired", dropped)
        return purged

    return run
