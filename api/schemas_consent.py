"""Request and response schemas of consents, erasure answers and the re-consent list."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Purpose = Literal["meetings", "school_attendance"]
Method = Literal["paper_form", "web_checkbox"]


class ConsentCreate(BaseModel):
    given_by: str = Field(min_length=1, max_length=200, description="Who consented.")
    relation: str = Field(
        min_length=1,
        max_length=100,
        description='"self", or the guardian\'s relation to a minor ("mẹ", "cha", ...).',
    )
    purposes: list[Purpose] = Field(min_length=1, max_length=2)
    method: Method
    reference: str | None = Field(None, max_length=200, description="The paper form's number.")


class ConsentRead(BaseModel):
    id: int
    person_id: int
    given_by: str
    relation: str
    purposes: list[str]
    method: str
    reference: str | None
    recorded_by: str
    recorded_at: datetime
    withdrawn_at: datetime | None


class ConsentWithdrawn(BaseModel):
    id: int
    person_id: int
    withdrawn_at: datetime
    templates_erased: int
    erased_at: datetime


class ReconsentRead(BaseModel):
    person_id: int
    full_name: str
    templates: int
    enrolled_at: datetime
    last_used_at: datetime | None
