"""The audit log: every manual correction, poll state change and ballot, with who did it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.orm import AuditEntry


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    meeting_id: int | None = None,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor[:100],
        action=action,
        meeting_id=meeting_id,
        subject=subject,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
    )
    session.add(entry)
    session.flush()
    return entry


def entries(
    session: Session, *, meeting_id: int | None = None, limit: int = 500
) -> list[AuditEntry]:
    statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if meeting_id is not None:
        statement = statement.where(AuditEntry.meeting_id == meeting_id)
    return list(session.scalars(statement))
