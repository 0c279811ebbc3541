"""The kiosk's wire: its gallery sync, its templates and its check-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from wire.dates import ApiDateTime


class KioskMeetingRead(BaseModel):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    late_after_minutes: int
    person_ids: list[int]
    # The server's check-in window (attendance.checkin_window): the kiosk applies no rule of
    # its own, and the server refuses check-ins outside it whatever the kiosk's clock says.
    checkin_opens_at: datetime
    checkin_closes_at: datetime


class KioskPersonRead(BaseModel):
    id: int
    full_name: str
    title: str | None
    unit: str | None


class TemplateRef(BaseModel):
    id: int
    person_id: int


class KioskGalleryRead(BaseModel):
    room: str
    model: str
    etag: str
    meetings: list[KioskMeetingRead]
    people: list[KioskPersonRead]
    templates: list[TemplateRef]  # fetch the embeddings the kiosk lacks from /kiosk/templates
    # The server's zone (ATTEND_TIMEZONE): the kiosk's screen shows every time in it, never in
    # the kiosk's own or its browser's. None from a server older than this field.
    timezone: str | None = None
    # The kiosk token's name: the kiosk's name (idempotency keys, the source of its check-ins
    # and reviews) unless `--name` says otherwise. None for an admin token or an older server.
    kiosk_name: str | None = None
    # A school gate's kiosk: the school (`room` says it too), and the local time ("11:00")
    # from which a student seen leaves instead of arriving. None for a room's kiosk.
    gate: str | None = None
    gate_checkout_after: str | None = None
    # Per model key, how different people's templates score against each other in the server's
    # whole gallery ({"mean", "std", "pairs"}): the kiosk's second opinion z-normalises with
    # them (a room's gallery is too small for its own). None: the calibration's priors.
    score_stats: dict[str, dict[str, float]] | None = None


class KioskArrivalRead(BaseModel):
    person_id: int
    at: datetime  # the first arrival, in the server's zone


class KioskMeetingArrivalsRead(BaseModel):
    meeting_id: int
    arrivals: list[KioskArrivalRead]  # everyone present now, however they came in


class KioskArrivalsRead(BaseModel):
    """Who is present now in today's meetings in the kiosk's room: the kiosk greets them
    "already checked in at 08:02" instead of checking them in again."""

    etag: str
    meetings: list[KioskMeetingArrivalsRead]


class TemplatesRequest(BaseModel):
    ids: list[int] = Field(max_length=100_000)
    model: str | None = None
    room: str | None = None  # an admin token must name the room


class TemplateData(BaseModel):
    id: int
    person_id: int
    dim: int
    embedding: str  # base64 of little-endian float32, L2-normalised


class TemplatesRead(BaseModel):
    model: str
    templates: list[TemplateData]


class CheckinCreate(BaseModel):
    person_id: int
    at: ApiDateTime | None = None
    source: str = Field(min_length=1, max_length=100)
    idempotency_key: str = Field(min_length=1, max_length=200)
    similarity: float | None = Field(None, ge=-1, le=1)
    margin: float | None = Field(None, ge=-2, le=2)
    # A manual check-in by staff gives its reason here; it is logged with who did it.
    note: str | None = Field(None, max_length=500)


MAX_BATCH = 100  # events in one POST .../checkins/batch


class CheckinBatchCreate(BaseModel):
    """A kiosk outbox's waiting check-ins in one request, each with its own key and answer."""

    events: list[CheckinCreate] = Field(min_length=1, max_length=MAX_BATCH)


class GateEventCreate(BaseModel):
    """A student a school gate's kiosk recognised; the server decides in or out by the
    student's state and `at`."""

    # A row id as the database holds it (attendance.orm.MAX_ID): a larger one is 422.
    person_id: int = Field(ge=1, le=2**31 - 1)
    at: ApiDateTime | None = None
    idempotency_key: str = Field(min_length=1, max_length=200)
    similarity: float | None = Field(None, ge=-1, le=1)
    margin: float | None = Field(None, ge=-2, le=2)


class GateEventRead(BaseModel):
    """What a sighting at the gate recorded, on which session."""

    direction: Literal["in", "out"]
    id: int
    meeting_id: int
    person_id: int
    kind: str  # arrived, returned or left
    at: datetime
    source: str  # "gate"
    idempotency_key: str
    created: bool  # False: the same key again, or in (out) already


class SightingRead(BaseModel):
    """A kiosk's grey-zone face, as the review queue took it."""

    review_id: int | None  # None: the candidate is already checked in, nothing was queued
    created: bool  # False: this idempotency key was already here
