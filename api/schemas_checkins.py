"""The answer of a batch of JSON check-ins: one result per event, in the order sent."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas import EventRead


class CheckinErrorRead(BaseModel):
    reason: str
    detail: str


class CheckinResultRead(BaseModel):
    index: int = Field(description="The event's place in the request's `events`, from 0.")
    status: int = Field(
        description="What the single check-in route would have answered: 201 recorded, 200 "
        "already there (the same key again, or the person arrived before), else its 4xx."
    )
    event: EventRead | None = None
    error: CheckinErrorRead | None = None


class CheckinBatchRead(BaseModel):
    results: list[CheckinResultRead]
