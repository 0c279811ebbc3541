"""The whole audit log a page at a time: newest first, by meeting (a deleted one's too),
person, actor and action, for the admin page /audit and GET /api/v1/audit."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.audit_view import AuditLine, Named, audit_lines, person_named
from attendance.orm import AuditEntry, Meeting
from attendance.people import search_people

PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # a larger page number is a typo, not a page
MAX_NAME_MATCHES = 50  # a name typed in the person filter: the log of its first matches


@dataclass(frozen=True)
class AuditPage:
    lines: list[AuditLine]
    page: int  # from 1
    per_page: int
    total: int  # entries that pass the filters, on every page
    action: str | None
    meeting_id: int | None
    person: Named | None = None  # the person filtered on, by name
    actor: str | None = None
    person_query: str | None = None  # a name typed in the person filter
    matched: list[Named] | None = None  # the people that name matched

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_more(self) -> bool:
        return self.page < self.pages


def audit_page(
    session: Session,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    action: str | None = None,
    meeting_id: int | None = None,
    person_id: int | None = None,
    actor: str | None = None,
    person_query: str | None = None,
) -> AuditPage:
    """One page of the log; a page past the end is empty (its `total` says how many).
    `person_query`: a name (diacritics optional), the entries about everyone it matches."""
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    action = action or None
    actor = actor or None
    person_query = (person_query or "").strip() or None
    matched = None
    about: int | list[int] | None = person_id
    if person_query is not None:  # a name typed wins over a person_id the form kept
        person_id = None
        people = search_people(session, query=person_query, limit=MAX_NAME_MATCHES)
        matched = [Named(p.id, p.full_name) for p in people]
        about = [p.id for p in matched]
    lines = audit_lines(
        session,
        meeting_id=meeting_id,
        action=action,
        person_id=about,
        actor=actor,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    total = audit.count_entries(
        session, meeting_id=meeting_id, action=action, person_id=about, actor=actor
    )
    return AuditPage(
        lines=lines,
        page=page,
        per_page=per_page,
        total=total,
        action=action,
        meeting_id=meeting_id,
        person=None if person_id is None else person_named(session, person_id),
        actor=actor,
        person_query=person_query,
        matched=matched,
    )


def meeting_choices(session: Session) -> list[Named]:
    """The meetings to filter on, newest first; then the deleted ones the log names, by the
    title their deletion kept."""
    live = [
        Named(i, title)
        for i, title in session.execute(
            select(Meeting.id, Meeting.title).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        )
    ]
    deleted = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "meeting_deleted", AuditEntry.meeting_id.is_not(None))
        .order_by(AuditEntry.id.desc())
    )
    known = {m.id for m in live}
    gone: list[Named] = []
    for entry in deleted:
        if entry.meeting_id is not None and entry.meeting_id not in known:
            known.add(entry.meeting_id)
            title = audit_title(entry.detail)
            gone.append(Named(entry.meeting_id, title, gone=True))
    return live + gone


def audit_title(detail: str | None) -> str | None:
    """The title a meeting_deleted entry kept."""
    try:
        kept = json.loads(detail or "{}")
    except ValueError:
        return None
    title = kept.get("title") if isinstance(kept, dict) else None
    return title if isinstance(title, str) and title else None
