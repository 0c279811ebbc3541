"""The conclusion notice's draft: what the secretary types around the meeting's data."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import Enum
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Invalid
from attendance.meetings import get_meeting, lock_meeting
from attendance.notices.tables import AgendaConclusion, ConclusionNotice
from attendance.orm import MAX_ID, AgendaItem, Participant, utcnow
from attendance.text import clean_text


class Unset(Enum):
    """A field the caller left out (kept as it is), apart from None (cleared)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET
MAX_PARAGRAPHS = 20_000  # characters in an opening, closing, recipients list or conclusion

# field -> (most characters, Vietnamese name, English name, several lines allowed); the
# single-line limits are the columns' (0021).
TEXT_FIELDS: dict[str, tuple[int, str, str, bool]] = {
    "parent_body": (300, "Cơ quan chủ quản", "Parent body", False),
    "issuing_body": (300, "Cơ quan ban hành", "Issuing body", False),
    "number": (60, "Số văn bản", "Document number", False),
    "place": (100, "Địa danh", "Place", False),
    "chair": (300, "Người chủ trì", "Chair", False),
    "subject": (500, "Trích yếu", "Subject", False),
    "opening": (MAX_PARAGRAPHS, "Phần mở đầu", "Opening", True),
    "closing": (MAX_PARAGRAPHS, "Phần kết luận chung", "Closing", True),
    "recipients": (MAX_PARAGRAPHS, "Nơi nhận", "Recipients", True),
    # Several lines: the signing authority ("TL. CHỦ TỊCH") over the title, within the column.
    "signer_title": (200, "Chức vụ người ký", "Signer's title", True),
    "signer_name": (200, "Họ tên người ký", "Signer's name", False),
}


@dataclass(frozen=True)
class DraftView:
    """The draft as saved; every field None until typed (a blank prints as dots)."""

    meeting_id: int
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
    conclusions: dict[int, str] | None = None  # agenda item id -> the secretary's text
    updated_at: datetime | None = None
    updated_by: str | None = None

    def conclusion(self, agenda_item_id: int) -> str | None:
        return (self.conclusions or {}).get(agenda_item_id)


def get_draft(session: Session, *, meeting_id: int) -> DraftView:
    get_meeting(session, meeting_id=meeting_id)
    row = session.get(ConclusionNotice, meeting_id)
    saved = list(
        session.scalars(select(AgendaConclusion).where(AgendaConclusion.meeting_id == meeting_id))
    )
    conclusions = {c.agenda_item_id: c.text for c in saved}
    if row is None:  # conclusions typed one by one (set_conclusion) before any other field
        latest = max(saved, key=lambda c: c.updated_at, default=None)
        return DraftView(
            meeting_id=meeting_id,
            conclusions=conclusions,
            updated_at=latest.updated_at if latest else None,
            updated_by=latest.updated_by if latest else None,
        )
    values = {name: getattr(row, name) for name in _ROW_FIELDS}
    return DraftView(meeting_id=meeting_id, conclusions=conclusions, **values)


# The fields the secretary types (DraftView's, in its order): the one list the API's schemas
# and the page's form are filled from and read back by. The row keeps them and who saved last.
DRAFT_FIELDS = tuple(
    f.name
    for f in fields(DraftView)
    if f.name not in ("meeting_id", "conclusions", "updated_at", "updated_by")
)
_ROW_FIELDS = (*DRAFT_FIELDS, "updated_at", "updated_by")


def save_draft(
    session: Session,
    *,
    meeting_id: int,
    actor: str,
    parent_body: str | Unset | None = UNSET,
    issuing_body: str | Unset | None = UNSET,
    number: str | Unset | None = UNSET,
    place: str | Unset | None = UNSET,
    issued_on: date | Unset | None = UNSET,
    chair_person_id: int | Unset | None = UNSET,
    chair: str | Unset | None = UNSET,
    subject: str | Unset | None = UNSET,
    opening: str | Unset | None = UNSET,
    closing: str | Unset | None = UNSET,
    recipients: str | Unset | None = UNSET,
    signer_title: str | Unset | None = UNSET,
    signer_name: str | Unset | None = UNSET,
    conclusions: dict[int, str | None] | Unset | None = UNSET,
) -> DraftView:
    """A partial update: a field left out (UNSET) is kept, None or blank text clears it;
    `conclusions` names the items it changes (None or blank text removes one), or is None to
    remove them all.

    Everything is checked before anything is written, so a refused request changes nothing.
    """
    _hold_meeting(session, meeting_id=meeting_id)
    texts = {
        "parent_body": parent_body,
        "issuing_body": issuing_body,
        "number": number,
        "place": place,
        "chair": chair,
        "subject": subject,
        "opening": opening,
        "closing": closing,
        "recipients": recipients,
        "signer_title": signer_title,
        "signer_name": signer_name,
    }
    changes: dict[str, object] = {
        name: _checked(name, value) for name, value in texts.items() if value is not UNSET
    }
    if issued_on is not UNSET:
        changes["issued_on"] = issued_on
    if chair_person_id is not UNSET:
        if chair_person_id is not None:
            _require_participant(session, meeting_id=meeting_id, person_id=chair_person_id)
        changes["chair_person_id"] = chair_person_id
    items: dict[int, str | None] = {}
    if conclusions is None:
        conclusions = dict.fromkeys(get_draft(session, meeting_id=meeting_id).conclusions or {})
    if conclusions is not UNSET:
        for item_id, text in conclusions.items():
            _require_item(session, meeting_id=meeting_id, agenda_item_id=item_id)
            items[item_id] = _conclusion_text(text)
    row = session.get(ConclusionNotice, meeting_id)
    if row is None:
        row = ConclusionNotice(meeting_id=meeting_id)
        session.add(row)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    row.updated_by = actor[:100]
    return _saved(session, meeting_id=meeting_id, actor=actor, changed=changes, items=items)


def set_conclusion(
    session: Session, *, meeting_id: int, agenda_item_id: int, text: str | None, actor: str
) -> DraftView:
    """The secretary's conclusion on one agenda item; blank or None removes it."""
    _hold_meeting(session, meeting_id=meeting_id)
    _require_item(session, meeting_id=meeting_id, agenda_item_id=agenda_item_id)
    return _saved(
        session,
        meeting_id=meeting_id,
        actor=actor,
        changed={},
        items={agenda_item_id: _conclusion_text(text)},
        subject=f"agenda:{agenda_item_id}",
    )


def _hold_meeting(session: Session, *, meeting_id: int) -> None:
    """The meeting (NotFound when there is none), its row held to the end of the
    transaction: two first saves at once would both insert the draft's or an item's row (one
    answered with a 500); holding the meeting's row makes them take turns."""
    get_meeting(session, meeting_id=meeting_id)
    lock_meeting(session, meeting_id=meeting_id)


def _saved(
    session: Session,
    *,
    meeting_id: int,
    actor: str,
    changed: dict[str, object],
    items: dict[int, str | None],
    subject: str | None = None,
) -> DraftView:
    """The checked conclusions written (the draft's own fields are already on its row), one
    audit entry naming what changed, and the draft as it now stands."""
    for item_id, text in items.items():
        _write_conclusion(
            session, meeting_id=meeting_id, agenda_item_id=item_id, text=text, actor=actor
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="conclusion_notice_saved",
        meeting_id=meeting_id,
        subject=subject,
        detail={"fields": sorted(changed), "conclusions": sorted(items)},
    )
    return get_draft(session, meeting_id=meeting_id)


def _write_conclusion(
    session: Session, *, meeting_id: int, agenda_item_id: int, text: str | None, actor: str
) -> None:
    row = session.get(AgendaConclusion, agenda_item_id)
    if text is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = AgendaConclusion(agenda_item_id=agenda_item_id, meeting_id=meeting_id)
        session.add(row)
    row.text = text
    row.updated_at = utcnow()
    row.updated_by = actor[:100]


def _checked(name: str, value: str | None) -> str | None:
    """Cleaned text (line breaks kept where a field has paragraphs), or None when blank."""
    if value is None:
        return None
    return _limited(value, name, *TEXT_FIELDS[name])


def _limited(value: str, name: str, limit: int, vi: str, en: str, paragraphs: bool) -> str | None:
    """`value` cleaned, refused (TOO_LONG, naming the field in both languages) when over
    `limit` characters; None when blank."""
    clean = paragraph_text if paragraphs else clean_text
    cleaned = clean(value, field=name)
    if len(cleaned) > limit:
        raise Invalid(
            f"{vi} quá dài ({len(cleaned)} ký tự, tối đa {limit}). "
            f"{en} is too long ({len(cleaned)} characters, {limit} at most).",
            code="TOO_LONG",
        )
    return cleaned or None


def paragraph_text(value: str, *, field: str) -> str:
    """One paragraph a line, each cleaned; blank lines dropped (every line is a paragraph of
    the notice already, and an empty one would print as a gap)."""
    lines = (clean_text(line, field=field) for line in value.splitlines())
    return "\n".join(line for line in lines if line)


def _conclusion_text(text: str | None) -> str | None:
    if text is None:
        return None
    return _limited(text, "conclusion", MAX_PARAGRAPHS, "Kết luận", "The conclusion", True)


def _require_participant(session: Session, *, meeting_id: int, person_id: int) -> None:
    # A body field, not a path: an unknown or off-roster person is unusable content (422),
    # named by number only, as the other roster refusals do.
    found = session.get(Participant, (meeting_id, person_id)) if 0 < person_id <= MAX_ID else None
    if found is None:
        raise Invalid(
            f"Người chủ trì (số {person_id}) không có trong danh sách cuộc họp này; "
            "chọn một người trong danh sách hoặc chỉ ghi tên. "
            f"The chair (person {person_id}) is not on this meeting's list; "
            "choose someone on it, or type the name only.",
        )


def _require_item(session: Session, *, meeting_id: int, agenda_item_id: int) -> None:
    item = session.get(AgendaItem, agenda_item_id) if 0 < agenda_item_id <= MAX_ID else None
    if item is None or item.meeting_id != meeting_id:
        raise Invalid(
            f"Cuộc họp {meeting_id} không có mục chương trình số {agenda_item_id}; "
            "không lưu được kết luận cho mục đó. "
            f"Meeting {meeting_id} has no agenda item {agenda_item_id}; "
            "no conclusion can be saved for it.",
        )
