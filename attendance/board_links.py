"""Board links: a read-only address for a room's big screen, one meeting, no staff sign-in.

An unattended screen should not hold a secretary's session (which can erase faces and export
lists); a board link shows that meeting's board and nothing else, and a new one replaces it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Forbidden
from attendance.meetings import get_meeting
from attendance.orm import BoardLink, utcnow

PREFIX = "bd_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_board_link(session: Session, *, meeting_id: int, actor: str) -> str:
    """A new key for this meeting's board; the previous one stops working. Shown once."""
    # Through the module: orm.py imports this file, and meetings.py imports orm.py first.
    get_meeting(session, meeting_id=meeting_id)
    session.execute(
        update(BoardLink)
        .where(BoardLink.meeting_id == meeting_id, BoardLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    key = PREFIX + secrets.token_urlsafe(24)
    session.add(BoardLink(meeting_id=meeting_id, key_sha256=_digest(key)))
    session.flush()
    audit.record(session, actor=actor, action="board_link_issued", meeting_id=meeting_id)
    return key


def check_board_link(session: Session, *, meeting_id: int, key: str) -> None:
    found = session.scalars(
        select(BoardLink).where(
            BoardLink.key_sha256 == _digest(key), BoardLink.revoked_at.is_(None)
        )
    ).first()
    if found is None or not hmac.compare_digest(str(found.meeting_id), str(meeting_id)):
        raise Forbidden(
            "Liên kết màn hình không hợp lệ hoặc đã được thay. "
            "This board link is not valid or was replaced.",
            code="BOARD_LINK_INVALID",
        )
