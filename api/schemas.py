"""Request and response schemas of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from wire.dates import ApiDateTime
from wire.kiosk import (  # noqa: F401  (the API's schemas include the kiosk's wire)
    CheckinCreate,
    KioskArrivalRead,
    KioskArrivalsRead,
    KioskGalleryRead,
    KioskMeetingArrivalsRead,
    KioskMeetingRead,
    KioskPersonRead,
    SightingRead,
    TemplateData,
    TemplateRef,
    TemplatesRead,
    TemplatesRequest,
)


class PersonCreate(BaseModel):
    full_name: str = Field(min_length=1, max_length=200)
    code: str | None = Field(None, max_length=64)
    unit: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=200)


class PersonBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    full_name: str


class PersonRead(PersonBrief):
    code: str | None
    unit: str | None
    title: str | None
    templates: int | None = None  # number of face templates, where it was counted
    # given | missing | withdrawn (attendance/consent.py), where it was looked up
    consent: Literal["given", "missing", "withdrawn"] | None = None


class QualityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    det_score: float
    face_px: float
    sharpness: float
    brightness: float
    yaw: float


class PhotoRead(BaseModel):
    template_id: int
    person_id: int
    model: str
    quality: QualityRead
    created: bool
    # The face enrolled, [x, y, width, height] in the photo's pixels, and its index among the
    # photo's faces (as a MULTIPLE_FACES answer lists them); null when the photo was sent before.
    box: list[float] | None = None
    face_index: int | None = None
    crop_url: str  # the enrolled face, small (JPEG), for staff


class TemplateRead(BaseModel):
    template_id: int
    person_id: int
    model: str
    quality: QualityRead
    photo_name: str | None
    created_at: datetime
    crop_url: str | None  # null for templates enrolled before crops were kept
    # The second model (dlib) holds its own template of this face too: erased with this one.
    second_model: bool = False


class TemplatesErased(BaseModel):
    person_id: int
    erased: int
    erased_at: datetime | None = None  # when; kiosks drop them at their next sync


class PersonMerge(BaseModel):
    into_id: int  # the person who stays; the one in the path is merged into them and goes


class PersonRecordsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    templates: int
    meetings: int  # roster entries
    events: int  # arrivals, departures, returns
    ballots: int  # cast by them or for them
    proxies: int
    opinions: int
    passes: int  # voting links
    reviews: int


class PersonDeleted(BaseModel):
    person_id: int
    full_name: str
    records: PersonRecordsRead  # what was deleted with them
    erased_at: datetime | None = None  # when their face data was erased


class TemplateErased(BaseModel):
    person_id: int
    template_id: int
    erased: bool
    erased_at: datetime | None = None


class MeetingCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    starts_at: ApiDateTime
    ends_at: ApiDateTime
    room: str | None = Field(None, max_length=200)
    late_after_minutes: int = Field(15, ge=0, le=24 * 60)


class MeetingRead(BaseModel):
    id: int
    title: str
    room: str | None
    starts_at: datetime
    ends_at: datetime
    late_after_minutes: int


class ParticipantsUpdate(BaseModel):
    # Numbers only: `true` or "12" is a mistake to point out, not an id to guess.
    person_ids: list[StrictInt] = Field(max_length=100_000)
    # On the roster without a vote: observers, guests, staff.
    non_voting_ids: list[StrictInt] = Field(default_factory=list, max_length=100_000)


class ParticipantsRead(BaseModel):
    meeting_id: int
    person_ids: list[int]
    non_voting_ids: list[int] = Field(default_factory=list)


class ParticipantCreate(BaseModel):
    voting_rights: bool = True  # False: an observer or guest, on the roster without a vote


class ParticipantUpdate(BaseModel):
    """Fields left out are kept; `absence_reason` null (or blank) clears it."""

    voting_rights: bool | None = None
    # Why they stay away, as they sent word (≤ 300 characters; the domain says so when longer).
    absence_reason: str | None = Field(None, max_length=5000)


class ParticipantRead(BaseModel):
    meeting_id: int
    person: PersonBrief
    voting_rights: bool
    absence_reason: str | None = None


class MeetingDeletedRead(BaseModel):
    """What went with a deleted meeting, counted."""

    meeting_id: int
    title: str
    participants: int
    events: int
    polls: int
    ballots: int
    opinions: int
    proxies: int
    voting_passes: int
    board_links: int
    review_items: int
    agenda_items: int
    open_polls_discarded: list[str]


class SecondOpinionRead(BaseModel):
    asked: bool = True
    similarity_alone: float | None


class FaceRead(BaseModel):
    box: list[int]  # x, y, width, height in pixels of the (upright) image
    det_score: float
    person: PersonBrief | None
    candidate: PersonBrief | None
    similarity: float | None
    margin: float | None
    decision: Literal["match", "unknown", "ambiguous", "not_on_roster"]
    # What the candidate had to reach: the threshold for the meeting's roster for someone on
    # it, for everyone enrolled otherwise (it follows the number searched).
    threshold: float | None = None
    second_opinion: SecondOpinionRead | None = Field(
        None,
        description="null when the second model (dlib) was not asked about this face; else "
        "`similarity` is the fused score and `similarity_alone` what SFace gave the same "
        "candidate before fusion.",
    )


class IdentifyRead(BaseModel):
    faces: list[FaceRead]
    model: str


class EventRead(BaseModel):
    id: int
    meeting_id: int
    person: PersonBrief
    kind: str
    at: datetime
    source: str
    similarity: float | None
    margin: float | None
    idempotency_key: str
    created: bool
    note: str | None = None
    # Issued with a new arrival of a voting member: the delegate's personal voting link.
    voting_url: str | None = None
    # When phones cannot open that link (it names 127.0.0.1): why, and what to set.
    voting_url_warning: str | None = None
    voting_link_issued_earlier: bool = Field(
        False,
        description="True when this arrival would bring a voting link but the delegate already "
        "holds a working one (issued before, e.g. at the door): none is issued (`voting_url` "
        "null), the earlier link keeps working and its page shows the ballot by itself.",
    )
    voting_link_message: str | None = Field(
        None, description="What happened to the voting link, in Vietnamese then English."
    )


class CheckinFaceRead(FaceRead):
    """One face of a photo check-in and what was done with it."""

    outcome: Literal["checked_in", "already_checked_in", "sent_to_review", "not_checked_in"] = (
        Field(
            description="checked_in: this photo checked the person in; already_checked_in: "
            "recognised, they had arrived before; sent_to_review: unsure, waiting in the "
            "review queue for a secretary (review_id); not_checked_in: unknown, not on the "
            "roster, or unsure about someone already checked in."
        )
    )
    event_id: int | None = Field(None, description="The arrival in `events`, when recognised.")
    review_id: int | None = Field(None, description="The item in `reviews`, when sent there.")
    message: str = Field(description="What happened, in Vietnamese then English.")


class ReviewQueuedRead(BaseModel):
    """A face of the photo waiting for a secretary (GET /meetings/{id}/review in the pages)."""

    review_id: int
    face: int = Field(description="Index of the face in `faces`.")
    status: str = Field(description="pending until a secretary confirms or rejects it.")
    created: bool = Field(description="False when the same key asked it before (a retry).")
    candidate: PersonBrief
    runner_up: PersonBrief | None
    similarity: float
    margin: float | None
    decision: str = Field(description="ambiguous, or unknown (just under the threshold).")


class ImageCheckinRead(BaseModel):
    events: list[EventRead] = Field(description="The arrivals of the recognised faces.")
    faces: list[CheckinFaceRead] = Field(description="Every face found, largest first.")
    reviews: list[ReviewQueuedRead] = Field(
        default_factory=list, description="The faces sent to the review queue."
    )


class AttendanceRead(BaseModel):
    person: PersonRead
    status: Literal["present", "late", "absent", "not_arrived"] = Field(
        description="How they arrived: present (on time), late, absent (not arrived and the "
        "meeting has started), or not_arrived (not here yet before the meeting's start: "
        "nobody is absent until it starts). Someone checked out keeps it; `left` says they "
        "are gone."
    )
    first_seen_at: datetime | None
    source: str | None
    left: bool = Field(False, description="Checked out and not seen again: no longer here.")
    left_at: datetime | None = Field(None, description="When they were checked out.")
    voting_rights: bool = Field(
        True, description="A voting member (đại biểu); false for an observer or guest."
    )


class FaceBoxRead(BaseModel):
    index: int  # what `face_index` names
    box: list[float]  # [x, y, width, height] in the photo's pixels


class ErrorRead(BaseModel):
    reason: str
    detail: str
    # MULTIPLE_FACES / INVALID_FACE_INDEX: every face of the photo, most likely subject first.
    faces: list[FaceBoxRead] | None = None


class KioskTokenCreate(BaseModel):
    """A room's kiosk (`room`) or a school gate's (`gate`: the school), one of the two."""

    name: str = Field(min_length=1, max_length=100)
    room: str | None = Field(None, min_length=1, max_length=200)
    gate: str | None = Field(None, min_length=1, max_length=200)


class TokenRead(BaseModel):
    id: int
    name: str
    role: str
    room: str | None
    created_at: datetime
    revoked_at: datetime | None
    gate: str | None = None  # a gate kiosk's school


class KioskTokenCreated(TokenRead):
    token: str  # shown once; only its hash is stored


class StaffAssignment(BaseModel):
    """The teachers and viewers who may see a meeting (they see no other)."""

    account_ids: list[StrictInt] = Field(max_length=1000)


class AssignedAccountRead(BaseModel):
    id: int
    username: str
    display_name: str
    role: str


class MeetingStaffRead(BaseModel):
    meeting_id: int
    accounts: list[AssignedAccountRead]
    # Teachers and viewers not disabled: the ids a secretary may put in `account_ids`.
    assignable: list[AssignedAccountRead] = []
