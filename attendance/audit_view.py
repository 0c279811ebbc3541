"""The audit log as people read it: names for ids, polls for ballots, sources in words.

The stored entries stay as written (plain ids: the log outlives what it describes); names,
titles and sources are looked up when the log is read. A secret poll's choice is never in an
entry, and none is added here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.orm import AgendaItem, AttendanceEvent, AuditEntry, Person
from attendance.review.tables import ReviewItem
from attendance.voting.tables import Poll, PollOption

logger = logging.getLogger(__name__)

MAX_ID_DIGITS = 10  # an id longer than this in a subject is not one of ours

# Where an arrival, a departure or a ballot came from: (Vietnamese, English).
SOURCE_TEXTS: dict[str, tuple[str, str]] = {
    "manual": ("thủ công", "manual"),
    "review": ("xác nhận nhận diện", "confirmed match"),
    "upload": ("ảnh tải lên", "uploaded photo"),
    "kiosk": ("máy điểm danh", "kiosk"),
    "link": ("liên kết bỏ phiếu", "voting link"),
    "face": ("nhận diện khuôn mặt", "face"),
}
KIOSK_PREFIX = "kiosk:"  # kiosk/command.py names its check-ins "kiosk:<name>"


def source_text(source: str) -> tuple[str, str]:
    """(Vietnamese, English) for a stored source; a camera's own name is kept as it is."""
    if source in SOURCE_TEXTS:
        return SOURCE_TEXTS[source]
    if source.startswith(KIOSK_PREFIX) and len(source) > len(KIOSK_PREFIX):
        name = source[len(KIOSK_PREFIX) :]
        return (f"máy điểm danh {name}", f"kiosk {name}")
    return (source, source)


@dataclass(frozen=True)
class Named:
    """Something an entry points at: its id, and its name or title while it still exists."""

    id: int
    name: str | None


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    detail: dict[str, Any]
    actor_person: Named | None  # a delegate acting through their voting link
    person: Named | None  # whom the entry is about
    poll: Named | None
    agenda_item: Named | None
    holder: Named | None  # a proxy's holder
    source: str | None  # where the arrival, departure or ballot came from, as stored
    choices: list[str] | None  # a named poll's ballot: the options chosen (never a secret one)
    reason: str | None


def references(text: str | None) -> dict[str, int]:
    """'poll:3:person:9' -> {'poll': 3, 'person': 9}; anything else is ignored."""
    parts = (text or "").split(":")
    found = {}
    for kind, value in zip(parts[::2], parts[1::2]):
        if value.isdecimal() and len(value) <= MAX_ID_DIGITS:
            found[kind] = int(value)
    return found


def audit_lines(session: Session, *, meeting_id: int, limit: int = 500) -> list[AuditLine]:
    """The meeting's log, newest first, each entry with what it refers to resolved."""
    entries = audit.entries(session, meeting_id=meeting_id, limit=limit)
    parsed = [(e, _detail(e), references(e.subject), references(e.actor)) for e in entries]
    details = [d for _, d, _, _ in parsed]
    refs = [r for _, _, r, _ in parsed] + [a for _, _, _, a in parsed]
    people = _names(
        session,
        Person.id,
        Person.full_name,
        _ref_ids(refs, "person") | _detail_ids(details, "holder"),
    )
    poll_ids = _ref_ids(refs, "poll")
    polls = {p.id: p for p in session.scalars(select(Poll).where(Poll.id.in_(poll_ids)))}
    agenda = _names(session, AgendaItem.id, AgendaItem.title, _ref_ids(refs, "agenda"))
    events = _names(
        session, AttendanceEvent.id, AttendanceEvent.source, _detail_ids(details, "event_id")
    )
    reviews = _names(session, ReviewItem.id, ReviewItem.source, _detail_ids(details, "review_id"))
    titles = {p.id: p.title for p in polls.values()}
    labels = _option_labels(session, [p for p in polls.values() if p.secrecy == "named"])

    def named(table: dict[int, str], key: int | None) -> Named | None:
        return None if key is None else Named(key, table.get(key))

    lines = []
    for entry, detail, subject, actor in parsed:
        poll = polls.get(subject["poll"]) if "poll" in subject else None
        source = (
            events.get(_int(detail.get("event_id")) or 0)
            or reviews.get(_int(detail.get("review_id")) or 0)
            or (detail.get("channel") if isinstance(detail.get("channel"), str) else None)
        )
        lines.append(
            AuditLine(
                entry=entry,
                detail=detail,
                actor_person=named(people, actor.get("person")),
                person=named(people, subject.get("person")),
                poll=named(titles, subject.get("poll")),
                agenda_item=named(agenda, subject.get("agenda")),
                holder=named(people, _int(detail.get("holder"))),
                source=source,
                choices=_choices(poll, detail, labels),
                reason=_text(detail.get("reason")) or _text(detail.get("note")),
            )
        )
    return lines


def _choices(poll: Poll | None, detail: dict[str, Any], labels: dict[int, str]) -> list[str] | None:
    # Only a named poll's ballot says what was chosen; a secret poll's entry holds no choice.
    options = detail.get("options")
    if poll is None or poll.secrecy != "named" or not isinstance(options, list):
        return None
    return [labels.get(o, f"#{o}") for o in options if isinstance(o, int)]


def _option_labels(session: Session, polls: list[Poll]) -> dict[int, str]:
    if not polls:
        return {}
    rows = session.execute(
        select(PollOption.id, PollOption.label).where(PollOption.poll_id.in_([p.id for p in polls]))
    )
    return {option_id: label for option_id, label in rows}


def _names(session: Session, key: Any, value: Any, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {k: v for k, v in session.execute(select(key, value).where(key.in_(wanted)))}


def _ref_ids(refs: list[dict[str, int]], kind: str) -> set[int]:
    return {r[kind] for r in refs if kind in r}


def _detail_ids(details: list[dict[str, Any]], field: str) -> set[int]:
    return {i for d in details if (i := _int(d.get(field))) is not None}


def _detail(entry: AuditEntry) -> dict[str, Any]:
    try:
        detail = json.loads(entry.detail or "{}")
    except ValueError:
        logger.warning("audit entry %s has a detail that is not JSON", entry.id)
        return {}
    return detail if isinstance(detail, dict) else {}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
