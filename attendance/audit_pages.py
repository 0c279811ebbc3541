"""The whole audit log a page at a time: newest first, by meeting (a deleted one's too),
person, actor and action, for the admin page /audit and GET /api/v1/audit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from attendance import audit
from attendance.audit_view import AuditLine, Named, audit_lines, person_named

PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # a larger page number is a typo, not a page


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
) -> AuditPage:
    """One page of the log; a page past the end is empty (its `total` says how many)."""
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    action = action or None
    actor = actor or None
    lines = audit_lines(
        session,
        meeting_id=meeting_id,
        action=action,
        person_id=person_id,
        actor=actor,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    total = audit.count_entries(
        session, meeting_id=meeting_id, action=action, person_id=person_id, actor=actor
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
    )
