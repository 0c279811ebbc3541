"""Request and response schemas of the conclusion notice's draft."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from wire.dates import ApiDateTime


class NoticeDraftFields(BaseModel):
    """The fields the secretary types, as attendance.notices.draft.DraftView has them
    (DRAFT_FIELDS): written by NoticeDraftWrite, read back by NoticeDraftRead."""

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


class NoticeDraftWrite(NoticeDraftFields):
    """Every field optional: one left out is kept, null (or blank text) clears it. The
    lengths are checked by the domain, which says which field and its limit in both
    languages."""

    # A misspelt field would otherwise be dropped silently and the secretary's text lost.
    model_config = ConfigDict(extra="forbid")

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


class NoticeDraftRead(NoticeDraftFields):
    # Every field is in every answer (null when untyped): the schema says so.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    meeting_id: int
    conclusions: dict[int, str]
    updated_at: ApiDateTime | None
    updated_by: str | None
    items: list[NoticeItemRead]
