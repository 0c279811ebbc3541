"""Reading the pages' forms: text fields as typed, dates and numbers with bilingual errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Form
from pydantic import BaseModel

from api.convert import as_utc
from attendance.errors import Invalid
from attendance.orm import Meeting, Person
from wire.dates import out_of_range_message

# A form field read as typed, however long or empty: the service says what is wrong with it,
# in both languages, on the page itself (never a bare 422 from the framework).
Text = Annotated[str, Form()]


@dataclass(frozen=True)
class MeetingValues:
    title: str
    room: str | None
    starts_at: datetime
    ends_at: datetime
    late_after_minutes: int


class MeetingForm(BaseModel):
    title: str = ""
    room: str = ""
    starts_at: str = ""  # as the datetime-local input sends it: 2026-03-02T08:00
    ends_at: str = ""
    late_after_minutes: str = "15"

    @classmethod
    def of(cls, meeting: Meeting, zone: str) -> MeetingForm:
        tz = ZoneInfo(zone)
        return cls(
            title=meeting.title,
            room=meeting.room or "",
            starts_at=meeting.starts_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            ends_at=meeting.ends_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            late_after_minutes=str(meeting.late_after_minutes),
        )

    @classmethod
    def blank(cls, now: datetime, zone: str) -> MeetingForm:
        """Tomorrow at eight, for two hours: a sensible start for the usual morning meeting."""
        start = (now.astimezone(ZoneInfo(zone)) + timedelta(days=1)).replace(
            hour=8, minute=0, second=0, microsecond=0
        )
        return cls(
            starts_at=start.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        )

    def values(self, zone: str) -> MeetingValues:
        """What create_meeting / update_meeting take; Invalid when a field cannot be read."""
        return MeetingValues(
            title=self.title,
            room=self.room or None,
            starts_at=parse_time(self.starts_at, zone, "Giờ bắt đầu", "Start time"),
            ends_at=parse_time(self.ends_at, zone, "Giờ kết thúc", "End time"),
            late_after_minutes=parse_minutes(self.late_after_minutes),
        )


class PersonForm(BaseModel):
    full_name: str = ""
    title: str = ""
    unit: str = ""
    code: str = ""

    @classmethod
    def of(cls, person: Person) -> PersonForm:
        return cls(
            full_name=person.full_name,
            title=person.title or "",
            unit=person.unit or "",
            code=person.code or "",
        )


MeetingFormDep = Annotated[MeetingForm, Form()]
PersonFormDep = Annotated[PersonForm, Form()]


def parse_time(text: str, zone: str, vi: str, en: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            f"{vi} không hợp lệ ({text[:40]!r}). {en} is not a valid date and time."
        ) from None
    # The same years as the API's (wire.dates): outside them, pages would fail to show it.
    problem = out_of_range_message(value)
    if problem is not None:
        raise Invalid(f"{vi}: {problem}", code="INVALID_DATE")
    return as_utc(value, zone)


def parse_minutes(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise Invalid(
            "Số phút tính muộn phải là số nguyên. Late after (minutes) must be a whole number."
        ) from None


def parse_id(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise Invalid("Mã số không hợp lệ. Not a valid id.") from None
