"""Request and response schemas of polls, ballots, proxies, voting passes and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas import PersonBrief
from wire.dates import ApiDateTime


class PollCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=5000)
    kind: Literal["motion", "election", "opinion"] = "motion"
    # None: Đồng ý / Không đồng ý / Không biểu quyết. Given: custom options or candidates.
    options: list[str] | None = Field(None, max_length=200)
    secrecy: Literal["named", "secret"] = "named"
    base: Literal["cast", "present", "members"] = "members"
    majority: Literal["simple", "absolute", "two_thirds", "custom"] = "absolute"
    majority_fraction: str | None = Field(None, max_length=20, examples=["3/5"])
    abstentions_in_base: bool = True
    quorum: str = Field("1/2", max_length=20, examples=["1/2", "2/3", "0"])
    max_choices: int = Field(1, ge=1, le=200)
    allow_change: bool = False
    agenda_item_id: int | None = None


class OptionRead(BaseModel):
    id: int
    label: str
    role: str


class PollRead(BaseModel):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    title: str
    description: str
    kind: str
    secrecy: str
    base: str
    majority: str
    majority_fraction: str
    abstentions_in_base: bool
    quorum: str
    max_choices: int
    allow_change: bool
    state: str
    options: list[OptionRead]
    ballots_cast: int
    opened_at: datetime | None
    closed_at: datetime | None
    you_voted: bool | None = None  # for a delegate's own link: whether they have voted
    # For a delegate's own link: their ballot, then each grantor's (the phone's forms).
    your_ballots: list[OwnBallotRead] | None = None


class OwnBallotRead(BaseModel):
    """A ballot a delegate's own link speaks for: their own, or an absent grantor's."""

    person: PersonBrief = Field(description="Whose ballot: the delegate, or their grantor.")
    for_self: bool
    voted: bool
    cast_by: PersonBrief | None = Field(
        None, description="Who cast it (a proxy holder for an absent member); None: not yet."
    )
    option_ids: list[int] | None = Field(
        None,
        description="A named poll's choices on this ballot, when it is the delegate's own or "
        "they cast it; never for a secret poll.",
    )
    may_cast: bool = Field(
        description="A ballot for this member would be taken now from this link: not cast "
        "yet, or cast and the poll allows changes (send `on_behalf_of` for a grantor)."
    )
    grantor_present: bool = Field(
        False, description="The grantor is in the room and votes in person, not by proxy."
    )


class OptionCountRead(OptionRead):
    votes: int | None  # None while a secret poll is open


class QuorumRead(BaseModel):
    required: int
    met: bool
    text_vi: str
    text_en: str


class ProxyUseRead(BaseModel):
    grantor: PersonBrief
    holder: PersonBrief


class TallyRead(BaseModel):
    poll_id: int
    state: str
    ballots: int
    options: list[OptionCountRead]
    abstained: int | None  # None while a secret poll is open
    members: int
    present: int
    quorum: QuorumRead
    proxies: list[ProxyUseRead]
    not_voted: list[PersonBrief] | None  # named polls only


class NamedChoiceRead(BaseModel):
    person: PersonBrief
    cast_by: PersonBrief | None
    options: list[str]


class ResultRead(BaseModel):
    poll_id: int
    title: str
    passed: bool | None
    reason_vi: str
    reason_en: str
    base_kind: str
    base: int
    needed: int | None
    winners: list[int]
    ballots: int
    abstained: int
    members: int
    present: int
    options: list[OptionCountRead]
    quorum: QuorumRead
    proxies: list[ProxyUseRead]
    named_choices: list[NamedChoiceRead] | None


class BallotCreate(BaseModel):
    option_ids: list[int] = Field(min_length=1, max_length=200)
    on_behalf_of: int | None = None  # the absent member whose proxy the voter holds


class BallotRead(BaseModel):
    poll_id: int
    person: PersonBrief
    cast_by: PersonBrief
    channel: str
    at: datetime
    eligibility_event_id: int
    changed: bool


class OpinionCreate(BaseModel):
    text: str = Field(min_length=1, max_length=5000)
    # agree | object | other (left out: other); checked by the domain, whose 422 says which.
    stance: str | None = Field(None, max_length=40)


class OpinionRead(BaseModel):
    id: str
    poll_id: int | None
    agenda_item_id: int | None
    person: PersonBrief | None  # None: anonymous
    at: datetime | None
    text: str
    stance: str  # agree | object | other (an opinion from before stances were asked: other)


class AgendaItemCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)


class AgendaItemRead(BaseModel):
    id: int
    position: int
    title: str


class ProxyCreate(BaseModel):
    grantor_id: int
    holder_id: int
    note: str | None = Field(None, max_length=500)


class ProxyRead(BaseModel):
    grantor: PersonBrief
    holder: PersonBrief
    note: str | None
    created_at: datetime


class VotingPassCreate(BaseModel):
    person_id: int


class VotingPassRead(BaseModel):
    person: PersonBrief
    token: str  # shown once
    url: str
    qr_svg: str
    # When phones cannot open `url` (it names 127.0.0.1): why, and what to set.
    url_warning: str | None = None


class CheckoutCreate(BaseModel):
    person_id: int
    reason: str = Field(min_length=1, max_length=500)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)
    at: ApiDateTime | None = None


class AuditRefRead(BaseModel):
    """A person, meeting, poll or agenda item an entry points at."""

    id: int
    name: str | None = Field(
        description="Its name or title; for a person or meeting that is gone, the one the log "
        "kept (None when it kept none)."
    )
    gone: bool = Field(False, description="Deleted (or, for a person, merged away) since.")


class AuditRead(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    meeting_id: int | None
    subject: str | None  # as stored: "person:9", "poll:3", "poll:3:person:9", "agenda:2"
    detail: dict[str, Any]
    # Resolved when read (the stored entry keeps plain ids):
    actor_person: AuditRefRead | None = Field(
        None, description="The delegate who acted through their voting link (actor person:N)."
    )
    person: AuditRefRead | None = Field(None, description="Whom the entry is about.")
    poll: AuditRefRead | None = Field(None, description="The poll of a ballot or poll change.")
    agenda_item: AuditRefRead | None = None
    holder: AuditRefRead | None = Field(None, description="A proxy's holder.")
    source: str | None = Field(
        None, description="Where the arrival, departure or ballot came from, as stored."
    )
    source_text: str | None = Field(
        None, description="The source in words, Vietnamese / English: 'thủ công / manual'."
    )
    choices: list[str] | None = Field(
        None, description="A named poll's ballot: the options chosen. Never for a secret poll."
    )
    actor_text: str | None = Field(
        None,
        description="The actor in words, Vietnamese / English: a staff member's name as it "
        "is; a kiosk or the system explained.",
    )
    meeting: AuditRefRead | None = Field(
        None, description="The entry's meeting, with its title (a deleted one's as kept)."
    )
    seq: int | None = Field(
        None, description="Its place in the hash chain (set when its transaction committed)."
    )
    account: AuditRefRead | None = Field(
        None, description="The staff account it is about (account:N): 'Name (username)'."
    )


class AuditPageRead(BaseModel):
    """One page of the whole audit log, newest first."""

    items: list[AuditRead]
    page: int
    per_page: int
    total: int = Field(description="Entries that pass the filters, on all pages together.")
    has_more: bool = Field(description="An older page follows.")


class VoterRead(BaseModel):
    meeting_id: int
    meeting_title: str
    person: PersonBrief
    # Asked ahead of any ballot, so the page can say why not instead of offering one.
    may_vote: bool
    voting_status: Literal["present", "not_arrived", "checked_out", "observer", "not_on_roster"]
    may_give_opinions: bool
    proxies_for: list[PersonBrief]  # the members whose proxy this delegate holds
