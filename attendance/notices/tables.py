"""The draft of a meeting's conclusion notice, saved with the meeting (0021)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from attendance.orm import Base, UTCDateTime, utcnow


class ConclusionNotice(Base):
    """What the secretary typed around the meeting's data; every field may be empty until
    the notice is exported (a blank shows as dots to fill in by hand, as offices do)."""

    __tablename__ = "conclusion_notices"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    parent_body: Mapped[str | None] = mapped_column(String(300))  # "UBND THÀNH PHỐ HÀ NỘI"
    issuing_body: Mapped[str | None] = mapped_column(String(300))  # "ỦY BAN NHÂN DÂN QUẬN ..."
    number: Mapped[str | None] = mapped_column(String(60))  # "125/TB-UBND"
    place: Mapped[str | None] = mapped_column(String(100))  # "Long Biên"
    issued_on: Mapped[date | None] = mapped_column(Date)
    # Who chaired: a person of the roster, and/or the words the notice uses for them.
    chair_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    chair: Mapped[str | None] = mapped_column(String(300))
    subject: Mapped[str | None] = mapped_column(String(500))  # else from the meeting's title
    opening: Mapped[str | None] = mapped_column(Text)
    closing: Mapped[str | None] = mapped_column(Text)  # conclusions on the meeting as a whole
    recipients: Mapped[str | None] = mapped_column(Text)  # one per line ("Nơi nhận")
    signer_title: Mapped[str | None] = mapped_column(String(200))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))


class AgendaConclusion(Base):
    """The secretary's conclusion on one agenda item."""

    __tablename__ = "agenda_conclusions"

    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True
    )
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
