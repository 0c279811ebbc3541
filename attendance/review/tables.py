"""Review items: a face in the grey zone, its best roster candidate and a small crop."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from attendance.orm import Base, Person, UTCDateTime, utcnow

PENDING = "pending"
CONFIRMED = "confirmed"
REJECTED = "rejected"
# Closed without a decision (the crop deleted): see attendance/review/retention.py.
ARRIVED = "arrived"  # the candidate checked in another way
ERASED = "erased"  # the person's face data was erased
EXPIRED = "expired"  # the meeting has long been over


class ReviewItem(Base):
    __tablename__ = "review_items"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    runner_up_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    similarity: Mapped[float] = mapped_column(Float)
    margin: Mapped[float | None] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(20))  # ambiguous | unknown (just under)
    source: Mapped[str] = mapped_column(String(100))
    # "m<meeting>:<key>": the same image twice for one meeting is queued once.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    # Biometric data: kept only while the item waits (attendance/review/retention.py).
    crop_jpeg: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(500))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendance_events.id", ondelete="SET NULL")
    )

    candidate: Mapped[Person] = relationship(foreign_keys=[candidate_id])
    runner_up: Mapped[Person | None] = relationship(foreign_keys=[runner_up_id])
