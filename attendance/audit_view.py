"""The audit log as people read it: names for ids, polls for ballots, sources in words.

The stored entries stay as written (plain ids: the log outlives what it describes); names,
titles and sources are looked up when the log is read. Someone deleted or merged away since
is named from what the log itself kept (the name written with the entry, or the deletion's
or merge's entry); a deleted meeting by the title its deletion kept. A secret poll's choice
is never in an entry, and none is added here.
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
from attendance.audit import NAME_KEYS, references
from attendance.audit_accounts import account_labels, assigned_ids, assigned_names
from attendance.orm import AgendaItem, AttendanceEvent, AuditEntry, Meeting, Person
from attendance.review.tables import ReviewItem
from attendance.voting.tables import Poll, PollOption

logger = logging.getLogger(__name__)

__all__ = [
    "AuditLine",
    "Named",
    "actor_text",
    "audit_lines",
    "person_named",
    "references",
    "source_text",
]

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
# Actors that are no person: entries written before the staff member was named there.
SYSTEM_ACTORS: dict[str, tuple[str, str]] = {
    "check-in": (
        "hệ thống, khi điểm danh (trước đây không ghi người điểm danh)",
        "the system, at check-in (who checked them in was not recorded then)",
    ),
    "system": ("hệ thống", "the system"),
    "cli": ("dòng lệnh (attendance enroll)", "the command line (attendance enroll)"),
    # api/cli_admin.py CLI_ACTOR: attendance admin create / password.
    "command line": ("dòng lệnh (attendance admin)", "the command line (attendance admin)"),
}


def source_text(source: str) -> tuple[str, str]:
    """(Vietnamese, English) for a stored source; a camera's own name is kept as it is."""
    if source in SOURCE_TEXTS:
        return SOURCE_TEXTS[source]
    if source.startswith(KIOSK_PREFIX) and len(source) > len(KIOSK_PREFIX):
        name = source[len(KIOSK_PREFIX) :]
        return (f"máy điểm danh {name}", f"kiosk {name}")
    return (source, source)


def actor_text(actor: str) -> tuple[str, str]:
    """(Vietnamese, English) for a stored actor: a staff member's name as it is, a kiosk or
    the system in words."""
    if actor in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[actor]
    if actor.startswith(KIOSK_PREFIX):
        return source_text(actor)
    return (actor, actor)


@dataclass(frozen=True)
class Named:
    """Something an entry points at: its id, and its name or title. `gone`: it no longer
    exists, and the name is the one the log kept (None if it kept none)."""

    id: int
    name: str | None
    gone: bool = False


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
    meeting: Named | None = None  # the entry's meeting, a deleted one by its kept title
    actor_words: tuple[str, str] = ("", "")  # the actor in words (Vietnamese, English)
    account: Named | None = None  # the staff account the entry is about ('account:N')
    assigned: dict[str, list[str]] | None = None  # staff_assigned: accounts added, removed


def audit_lines(
    session: Session,
    *,
    meeting_id: int | None = None,
    action: str | None = None,
    person_id: int | list[int] | None = None,
    actor: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[AuditLine]:
    """The log (one meeting's, or all of it; or about one person, or by one actor), newest
    first, each entry with what it refers to resolved."""
    entries = audit.entries(
        session,
        meeting_id=meeting_id,
        action=action,
        person_id=person_id,
        actor=actor,
        limit=limit,
        offset=offset,
    )
    parsed = [(e, _detail(e), references(e.subject), references(e.actor)) for e in entries]
    details = [d for _, d, _, _ in parsed]
    refs = [r for _, _, r, _ in parsed] + [a for _, _, _, a in parsed]
    person_ids = _ref_ids(refs, "person") | _detail_ids(details, "holder")
    people = _names(session, Person.id, Person.full_name, person_ids)
    gone_people = _gone_people(session, person_ids - set(people))
    poll_ids = _ref_ids(refs, "poll")
    polls = {p.id: p for p in session.scalars(select(Poll).where(Poll.id.in_(poll_ids)))}
    agenda = _names(session, AgendaItem.id, AgendaItem.title, _ref_ids(refs, "agenda"))
    events = _names(
        session, AttendanceEvent.id, AttendanceEvent.source, _detail_ids(details, "event_id")
    )
    reviews = _names(session, ReviewItem.id, ReviewItem.source, _detail_ids(details, "review_id"))
    titles = {p.id: p.title for p in polls.values()}
    labels = _option_labels(session, [p for p in polls.values() if p.secrecy == "named"])
    meeting_ids = {e.meeting_id for e in entries if e.meeting_id is not None}
    meetings = _names(session, Meeting.id, Meeting.title, meeting_ids)
    gone_meetings = _gone_meetings(session, meeting_ids - set(meetings))
    accounts = account_labels(
        session, _ref_ids(refs, "account") | {i for d in details for i in assigned_ids(d)}
    )

    def account(key: int | None, detail: dict[str, Any]) -> Named | None:
        if key is None or key in accounts:
            return None if key is None else Named(key, accounts[key])
        return Named(key, _text(detail.get("username")), gone=True)

    def named(table: dict[int, str], key: int | None) -> Named | None:
        return None if key is None else Named(key, table.get(key))

    def person(key: int | None, detail: dict[str, Any], role: str) -> Named | None:
        if key is None:
            return None
        if key in people:
            return Named(key, people[key])
        kept = detail.get(NAME_KEYS[role])
        return Named(key, kept if isinstance(kept, str) else gone_people.get(key), gone=True)

    lines = []
    for entry, detail, subject, done_by in parsed:
        poll = polls.get(subject["poll"]) if "poll" in subject else None
        source = (
            events.get(_int(detail.get("event_id")) or 0)
            or reviews.get(_int(detail.get("review_id")) or 0)
            or (detail.get("channel") if isinstance(detail.get("channel"), str) else None)
        )
        meeting = None
        if entry.meeting_id is not None:
            live = entry.meeting_id in meetings
            title = meetings.get(entry.meeting_id) or gone_meetings.get(entry.meeting_id)
            meeting = Named(entry.meeting_id, title, gone=not live)
        lines.append(
            AuditLine(
                entry=entry,
                detail=detail,
                actor_person=person(done_by.get("person"), detail, "actor"),
                person=person(subject.get("person"), detail, "person"),
                poll=named(titles, subject.get("poll")),
                agenda_item=named(agenda, subject.get("agenda")),
                holder=person(_int(detail.get("holder")), detail, "holder"),
                source=source,
                choices=_choices(poll, detail, labels),
                reason=_text(detail.get("reason")) or _text(detail.get("note")),
                meeting=meeting,
                actor_words=actor_text(entry.actor),
                account=account(subject.get("account"), detail),
                assigned=assigned_names(detail, accounts)
                if entry.action in ("staff_assigned", "class_teachers_set")
                else None,
            )
        )
    return lines


def person_named(session: Session, person_id: int) -> Named:
    """One person by name: as they are, or as the log kept them once deleted or merged."""
    person = session.get(Person, person_id)
    if person is not None:
        return Named(person_id, person.full_name)
    return Named(person_id, _gone_people(session, {person_id}).get(person_id), gone=True)


def _gone_people(session: Session, ids: set[int]) -> dict[int, str]:
    """The names the log kept of people deleted or merged away (entries written before
    names were kept with every entry)."""
    if not ids:
        return {}
    found: dict[int, str] = {}
    kept = session.scalars(
        select(AuditEntry).where(AuditEntry.action.in_(("person_deleted", "person_merged")))
    )
    for entry in kept:
        detail = _detail(entry)
        for id_key, name_key in (("person_id", "full_name"), ("from_id", "from_name")):
            person_id, name = _int(detail.get(id_key)), _text(detail.get(name_key))
            if person_id in ids and name:
                found[person_id] = name
    return found


def _gone_meetings(session: Session, ids: set[int]) -> dict[int, str]:
    """The titles deleted meetings had, from their deletion's entry."""
    if not ids:
        return {}
    deletions = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "meeting_deleted", AuditEntry.meeting_id.in_(ids)
        )
    )
    return {
        e.meeting_id: title
        for e in deletions
        if e.meeting_id is not None and (title := _text(_detail(e).get("title")))
    }


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
