"""Consents to keep a person's face templates: who agreed, for what, how, and when withdrawn."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Integer, String, Text, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from attendance.orm import Base, FaceTemplate, UTCDateTime, utcnow

MEETINGS = "meetings"
SCHOOL_ATTENDANCE = "school_attendance"
PURPOSES = (MEETINGS, SCHOOL_ATTENDANCE)
PAPER_FORM = "paper_form"
WEB_CHECKBOX = "web_checkbox"
METHODS = (PAPER_FORM, WEB_CHECKBOX)
SELF = "self"  # the person agreed themselves; anything else names a guardian's relation


class Consent(Base):
    """One consent given for one person; withdrawn, it stays as the record of what was done."""

    __tablename__ = "consents"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    given_by: Mapped[str] = mapped_column(String(200))  # the person's or the guardian's name
    relation: Mapped[str] = mapped_column(String(100))  # "self" or "mẹ", "cha", ...
    purposes_json: Mapped[str] = mapped_column("purposes", Text)  # a JSON list of PURPOSES
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(200))  # the paper form's number
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))

    @property
    def purposes(self) -> list[str]:
        return [str(p) for p in json.loads(self.purposes_json)]

    @purposes.setter
    def purposes(self, value: list[str]) -> None:
        self.purposes_json = json.dumps(sorted(set(value)))


def serves(purpose: str) -> ColumnElement[bool]:
    """The templates that may be searched for `purpose`: those stored under a consent that
    names it (a withdrawn consent's are erased), and those stored before consents existed
    (their people are flagged for consent on the people page until it is decided)."""
    named = select(Consent.id).where(Consent.purposes_json.contains(f'"{purpose}"'))
    return or_(FaceTemplate.consent_id.is_(None), FaceTemplate.consent_id.in_(named))
