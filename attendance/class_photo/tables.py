"""The pending class photo: its faces, their proposed matches and the unknown faces' crops."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from attendance.orm import Base, UTCDateTime, utcnow


class ClassPhoto(Base):
    """One photo of a class or a hall, waiting for its teacher to confirm who is in it.

    `faces_json`: every face found, largest first, as {box, person_id, similarity}
    (person_id null for an unknown face). `crops_json`: the unknown faces' JPEG crops
    (sealed, base64, by face index): biometric data, erased on confirm and at `expires_at`."""

    __tablename__ = "class_photos"

    # Random and unguessable (secrets.token_urlsafe): it is part of the crop URLs.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    taken_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    faces_json: Mapped[str] = mapped_column(Text)
    crops_json: Mapped[str | None] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[str | None] = mapped_column(String(200))
