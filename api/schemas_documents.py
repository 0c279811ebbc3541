"""Request and response schemas of a meeting's documents."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class VersionRead(BaseModel):
    number: int
    filename: str
    kind: Literal["pdf", "docx", "xlsx", "jpeg", "png"]
    media_type: str
    size: int  # bytes
    sha256: str | None  # staff only (null for a voting link or the board)
    pages: int | None  # a PDF's
    uploaded_at: datetime
    uploaded_by: str | None  # staff only (null for a voting link or the board)


class DocumentRead(BaseModel):
    id: int
    meeting_id: int
    agenda_item_id: int | None  # None: the meeting as a whole
    agenda_item_title: str | None
    title: str
    position: int
    visibility: Literal["members", "public"]
    watermark: bool
    version: VersionRead  # the one shown
    versions: list[VersionRead]  # newest first (staff only; empty for a voting or board link)


class AgendaEntry(BaseModel):
    id: int
    position: int
    title: str


class DocumentList(BaseModel):
    meeting_id: int
    agenda: list[AgendaEntry]
    documents: list[DocumentRead]


class DocumentUpdate(BaseModel):
    """Fields left out are kept; `agenda_item_id: null` moves it to the meeting as a whole."""

    title: str | None = Field(None, min_length=1, max_length=300)
    agenda_item_id: int | None = None
    visibility: Literal["members", "public"] | None = None
    watermark: bool | None = None


class DocumentOrder(BaseModel):
    document_ids: list[int] = Field(max_length=10_000)


class ReadEntry(BaseModel):
    document_id: int
    person_id: int | None
    name: str | None  # the delegate's name; None for staff and the board
    actor: str
    via: Literal["staff", "voting_link", "board"]
    what: Literal["file", "view"]
    version: int
    at: datetime


class ReadList(BaseModel):
    reads: list[ReadEntry]
