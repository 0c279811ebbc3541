"""Request and response schemas of a class's sessions, weekly patterns, school rules and
excused absences. Times are the school's local clock ("07:30", the `timezone` setting)."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, Field


class SessionCreate(BaseModel):
    date: date
    period: int | None = Field(None, ge=1, le=20, description='"Tiết" 1, 2, ...')
    subject: str | None = Field(None, max_length=200)
    room: str | None = Field(None, max_length=100)
    start: time = Field(description='Local start, "07:30".')
    end: time = Field(description='Local end, "08:15".')


class WeeklySlot(BaseModel):
    weekday: int = Field(ge=1, le=7, description="1 = Monday .. 7 = Sunday.")
    period: int | None = Field(None, ge=1, le=20)
    subject: str | None = Field(None, max_length=200)
    room: str | None = Field(None, max_length=100)
    start: time
    end: time


class PatternCreate(BaseModel):
    starts_on: date
    ends_on: date
    weekly: list[WeeklySlot] = Field(min_length=1, max_length=100)
    skip_dates: list[date] = Field(default_factory=list, max_length=400)


class PatternRead(BaseModel):
    created: list[int] = Field(description="The new sessions' ids (meeting ids).")
    existing: list[int] = Field(
        description="Sessions already at that class, day and period: not created again."
    )


class SessionRead(BaseModel):
    id: int = Field(description="The session's meeting id, usable wherever a meeting id is.")
    class_id: int
    date: date
    period: int | None
    subject: str | None
    room: str | None
    start: time
    end: time
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
    starts_on: date
    ends_on: date
    reason: str = Field(min_length=1, max_length=500)


class ExcusedRead(BaseModel):
    id: int
    person_id: int
    starts_on: date
    ends_on: date
    reason: str
    recorded_by: str
    recorded_at: datetime
