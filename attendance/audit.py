"""The audit log: check-ins, manual corrections, poll state changes, ballots and the rest, with
who did it. Append-only: nothing updates or deletes an entry; each is hash-chained to the one
before it when its transaction commits (attendance/audit_chain.py)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from attendance.audit_chain import remember
from attendance.orm import AuditEntry, Person, utcnow

MAX_ID_DIGITS = 10  # an id longer than this in a subject is not one of ours
MAX_SEQ = 2**31 - 1  # the largest Integer: where an entry not chained yet sorts
# The detail keys that keep, as written, the names of the people an entry refers to: the
# log outlives them (a person deleted later is still named) and their ids can be all it has.
NAME_KEYS = {"person": "person_name", "actor": "actor_name", "holder": "holder_name"}
_JSON: dict[str, Any] = {"ensure_ascii": False, "sort_keys": True}


def references(text: str | None) -> dict[str, int]:
    """'poll:3:person:9' -> {'poll': 3, 'person': 9}; anything else is ignored."""
    parts = (text or "").split(":")
    found = {}
    for kind, value in zip(parts[::2], parts[1::2]):
        if value.isdecimal() and len(value) <= MAX_ID_DIGITS:
            found[kind] = int(value)
    return found


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    meeting_id: int | None = None,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
    flush: bool = True,
) -> AuditEntry:
    """Write one entry; the names of the people it refers to go into its detail with it.
    `flush=False`: written with the session's next flush (the commit's at the latest)."""
    entry = AuditEntry(
        at=utcnow(),
        actor=actor[:100],
        action=action,
        meeting_id=meeting_id,
        subject=subject,
        detail=json.dumps(_with_names(session, actor, subject, detail or {}), **_JSON),
    )
    session.add(entry)
    if flush:
        session.flush()
    remember(session, entry)
    return entry


def _with_names(
    session: Session, actor: str, subject: str | None, detail: dict[str, Any]
) -> dict[str, Any]:
    ids = {
        "person": references(subject).get("person"),
        "actor": references(actor).get("person"),
        "holder": detail.get("holder") if isinstance(detail.get("holder"), int) else None,
    }
    named = dict(detail)
    for role, person_id in ids.items():
        key = NAME_KEYS[role]
        if person_id is None or key in named:
            continue
        person = session.get(Person, person_id)
        if person is not None:
            named[key] = person.full_name
    return named


def entries(
    session: Session,
    *,
    meeting_id: int | None = None,
    action: str | None = None,
    person_id: int | list[int] | None = None,
    actor: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[AuditEntry]:
    """Newest first; of one meeting (a deleted one's too), one action, about one person, by
    one actor, when asked."""
    # In the chain's order (its seq is hashed; an id is not, and could be swapped unseen);
    # an entry of this very transaction, not chained yet, is the newest.
    chained = func.coalesce(AuditEntry.seq, MAX_SEQ)
    statement = (
        select(AuditEntry)
        .order_by(chained.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    statement = statement.where(*_filters(meeting_id, action, person_id, actor))
    return list(session.scalars(statement))


def count_entries(
    session: Session,
    *,
    meeting_id: int | None = None,
    action: str | None = None,
    person_id: int | list[int] | None = None,
    actor: str | None = None,
) -> int:
    statement = select(func.count()).select_from(AuditEntry)
    statement = statement.where(*_filters(meeting_id, action, person_id, actor))
    return int(session.scalar(statement) or 0)


def _filters(
    meeting_id: int | None, action: str | None, person_id: int | list[int] | None, actor: str | None
) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if meeting_id is not None:
        found.append(AuditEntry.meeting_id == meeting_id)
    if action:
        found.append(AuditEntry.action == action)
    if person_id is not None:
        # About them ('person:9', 'poll:3:person:9'), or done by them through a voting link;
        # a list: about any of them (none at all for an empty one).
        about: list[ColumnElement[bool]] = []
        for one in [person_id] if isinstance(person_id, int) else person_id:
            mine = f"person:{one}"
            about += [
                AuditEntry.subject == mine,
                AuditEntry.subject.endswith(f":{mine}", autoescape=True),
                AuditEntry.actor == mine,
            ]
        found.append(or_(false(), *about))
    if actor:
        found.append(AuditEntry.actor == actor)
    return found


def actions(session: Session) -> list[str]:
    """The actions the log holds, for a filter to offer."""
    return sorted(session.scalars(select(AuditEntry.action).distinct()))


def actors(session: Session) -> list[str]:
    """The actors the log names, for a filter to offer (a delegate acting through their
    voting link is found by the person filter instead)."""
    statement = select(AuditEntry.actor).where(AuditEntry.actor.not_like("person:%")).distinct()
    return sorted(session.scalars(statement))
