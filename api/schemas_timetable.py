"""Request and response schemas of a class's sessions, weekly patterns, school rules and
excused absences. Times are the school's local clock ("07:30", the `timezone` setting)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from wire.dates import out_of_range_message

# The school's wall clock, hours and minutes, no offset: "07:30".
LocalTime = Annotated[
    str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["07:30"], max_length=5)
]


def _in_range(value: date) -> date:
    message = out_of_range_message(datetime.combine(value, time()))
    if message is not None:
        raise ValueError(message)
    return value


# A school day, within the years this system handles (wire.dates).
Day = Annotated[date, AfterValidator(_in_range)]


def clock_of(text: str) -> time:
    """A LocalTime as a time (the schema has checked its shape)."""
    return time.fromisoformat(text)


def clock_text(value: time) -> str:
    return value.strftime("%H:%M")


class SessionCreate(BaseModel):
    date: Day
    period: int | None = Field(None, ge=1, le=20, description='"Tiết" 1, 2, ...')
    subject: str | None = Field(None, max_length=200)
    room: str | None = Field(None, max_length=100)
    start: LocalTime = Field(description='Local start, "07:30".')
    end: LocalTime = Field(description='Local end, "08:15".')


class WeeklySlot(BaseModel):
    weekday: int = Field(ge=1, le=7, description="1 = Monday .. 7 = Sunday.")
    period: int | None = Field(None, ge=1, le=20)
    subject: str | None = Field(None, max_length=200)
    room: str | None = Field(None, max_length=100)
    start: LocalTime
    end: LocalTime


class PatternCreate(BaseModel):
    starts_on: Day
    ends_on: Day
    weekly: list[WeeklySlot] = Field(min_length=1, max_length=100)
    skip_dates: list[Day] = Field(default_factory=list, max_length=400)


class PatternRead(BaseModel):
    created: list[int] = Field(description="The new sessions' ids (meeting ids).")
    existing: list[int] = Field(
        description="Sessions already at that class, day and period: not created again."
    )
    past: list[int] = Field(
        default_factory=list,
        description="Of the created sessions, those whose cut-off had already passed: never "
        "marked absent automatically (nor counted absent by the reports).",
    )
    message: str = Field(
        default="",
        description="How many sessions were created and how many were already past, bilingual.",
    )


class SessionRead(BaseModel):
    id: int = Field(description="The session's meeting id, usable wherever a meeting id is.")
    class_id: int
    date: date
    period: int | None
    subject: str | None
    room: str | None
    start: LocalTime
    end: LocalTime
    starts_at: datetime
    ends_at: datetime
    late_after_minutes: int
    absent_marked_at: datetime | None


class RulesBody(BaseModel):
    late_after_minutes: int = Field(ge=0, le=240)
    absent_after_minutes: int = Field(ge=0, le=240)


class RulesRead(BaseModel):
    school: str
    late_after_minutes: int
    absent_after_minutes: int


class ExcusedCreate(BaseModel):
    starts_on: Day
    ends_on: Day
    reason: str = Field(min_length=1, max_length=500)


class ExcusedRead(BaseModel):
    id: int
    person_id: int
    starts_on: date
    ends_on: date
    reason: str
    recorded_by: str
    recorded_at: datetime
