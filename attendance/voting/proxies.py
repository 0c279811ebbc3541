"""Proxies: an absent member's vote given to a present member, recorded per meeting."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict, Invalid, NotFound
from attendance.meetings import get_meeting, lock_meeting, roster_name
from attendance.orm import MAX_ID
from attendance.people import get_person
from attendance.presence import require_present
from attendance.text import clean_text
from attendance.voting.membership import voting_members
from attendance.voting.tables import Proxy


def give_proxy(
    session: Session,
    *,
    meeting_id: int,
    grantor_id: int,
    holder_id: int,
    actor: str,
    note: str | None = None,
) -> Proxy:
    get_meeting(session, meeting_id=meeting_id)
    lock_meeting(session, meeting_id=meeting_id)  # a roster edit meanwhile waits, or is seen
    grantor = get_person(session, person_id=grantor_id)
    holder = get_person(session, person_id=holder_id)
    if grantor_id == holder_id:
        raise Invalid("Không thể tự ủy quyền cho mình. A member cannot hold their own proxy.")
    members = voting_members(session, meeting_id=meeting_id)
    for person in (grantor, holder):
        if person.id not in members:
            raise Invalid(
                f"{roster_name(session, meeting_id=meeting_id, person=person)} không phải đại "
                "biểu có quyền biểu quyết của cuộc họp này. "
                "Both people must be voting members of this meeting.",
                code="NO_VOTING_RIGHTS",
            )
    require_present(
        session,
        meeting_id=meeting_id,
        person=holder,
        message=f"{holder.full_name} chưa có mặt: chỉ ủy quyền cho đại biểu đang có mặt. "
        "A proxy can only be given to a member who is present.",
    )
    proxy = Proxy(
        meeting_id=meeting_id,
        grantor_id=grantor_id,
        holder_id=holder_id,
        note=clean_text(note, field="note") or None if note else None,
    )
    try:
        with session.begin_nested():
            session.add(proxy)
    except IntegrityError as exc:
        raise Conflict(
            f"{grantor.full_name} đã ủy quyền trong cuộc họp này; hãy hủy ủy quyền cũ trước. "
            "This member already gave a proxy in this meeting; revoke it first.",
            code="PROXY_EXISTS",
        ) from exc
    audit.record(
        session,
        actor=actor,
        action="proxy_given",
        meeting_id=meeting_id,
        subject=f"person:{grantor_id}",
        detail={"holder": holder_id, "note": proxy.note},
    )
    return proxy


def revoke_proxy(session: Session, *, meeting_id: int, grantor_id: int, actor: str) -> None:
    get_meeting(session, meeting_id=meeting_id)
    proxy = None
    if 0 < grantor_id <= MAX_ID:
        proxy = session.scalars(
            select(Proxy).where(Proxy.meeting_id == meeting_id, Proxy.grantor_id == grantor_id)
        ).first()
    if proxy is None:
        raise NotFound(
            f"Đại biểu {grantor_id} không ủy quyền trong cuộc họp này. "
            f"Member {grantor_id} gave no proxy in this meeting."
        )
    session.delete(proxy)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="proxy_revoked",
        meeting_id=meeting_id,
        subject=f"person:{grantor_id}",
        detail={"holder": proxy.holder_id},
    )
