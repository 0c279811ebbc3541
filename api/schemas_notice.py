"""Request and response schemas of the conclusion notice's draft."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from wire.dates import ApiDateTime


class NoticeDraftWrite(BaseModel):
    """Every field optional: one left out is kept, null (or blank text) clears it. The
    lengths are checked by the domain, which says which field and its limit in both
    languages."""

    # A misspelt field would otherwise be dropped silently and the secretary's text lost.
    model_config = ConfigDict(extra="forbid")

    parent_body: str | None = None
    issuing_body: str | None = None
    number: str | None = None
    place: str | None = None
    issued_on: date | None = None
    chair_person_id: int | None = None
    chair: str | None = None
    subject: str | None = None
    opening: str | None = None
    closing: str | None = None
    recipients: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    # agenda item id -> the conclusion; null or "" removes that item's; null for the whole
    # map removes them all.
    conclusions: dict[int, str | None] | None = Field(None, max_length=1000)


class StanceGroupRead(BaseModel):
    stance: str
    label: str
    count: int
    opinions: list[dict[str, str]]  # {"text", "name"}; name "" for an anonymous one


class NoticeItemRead(BaseModel):
    """An agenda item as the secretary writes its conclusion: what was said and decided."""

    agenda_item_id: int | None  # null: "Nội dung khác" (polls and opinions of no item)
    number: int
    title: str
    opinion_count: int
    stances: list[StanceGroupRead]
    polls: list[dict[str, str]]  # {"title", "outcome", "rule"}
    conclusion: str | None


class NoticeDraftRead(BaseModel):
    meeting_id: int
    parent_body: str | None
    issuing_body: str | None
    number: str | None
    place: str | None
    issued_on: date | None
    chair_person_id: int | None
    chair: str | None
    subject: str | None
    opening: str | None
    closing: str | None
    recipients: str | None
    signer_title: str | None
    signer_name: str | None
    conclusions: dict[int, str]
    updated_at: ApiDateTime | None
    updated_by: str | None
    items: list[NoticeItemRead]
