"""Which teachers and viewers are assigned to a meeting: all a scoped role may ever see."""

from __future__ import annotations

import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from attendance.audit import record
from attendance.errors import Invalid
from attendance.meetings import get_meeting
from attendance.orm import MAX_ID
from attendance.staff.tables import MeetingStaff, StaffAccount
from attendance.tokens import TEACHER, VIEWER

logger = logging.getLogger(__name__)

# The roles that see only what they are assigned to; the others see every meeting already.
ASSIGNABLE_ROLES = (TEACHER, VIEWER)


def meeting_staff(session: Session, *, meeting_id: int) -> list[StaffAccount]:
    """The accounts assigned to the meeting, by display name."""
    get_meeting(session, meeting_id=meeting_id)
    return list(
        session.scalars(
            select(StaffAccount)
            .join(MeetingStaff, MeetingStaff.account_id == StaffAccount.id)
            .where(MeetingStaff.meeting_id == meeting_id)
            .order_by(StaffAccount.display_name, StaffAccount.id)
        )
    )


def assignable_accounts(session: Session) -> list[StaffAccount]:
    """Teachers and viewers not disabled: whom the meeting page offers to assign."""
    return list(
        session.scalars(
            select(StaffAccount)
            .where(StaffAccount.role.in_(ASSIGNABLE_ROLES), StaffAccount.disabled_at.is_(None))
            .order_by(StaffAccount.display_name, StaffAccount.id)
        )
    )


def assign_staff(
    session: Session, *, meeting_id: int, account_ids: list[int], actor: str
) -> list[StaffAccount]:
    """Replace the meeting's assigned accounts with these (teachers and viewers only); all or
    nothing: one id that is not such an account and nothing changes."""
    get_meeting(session, meeting_id=meeting_id)
    wanted = sorted(set(account_ids))
    found = {
        a.id: a
        for a in session.scalars(
            select(StaffAccount).where(StaffAccount.id.in_([i for i in wanted if 0 < i <= MAX_ID]))
        )
    }
    missing = [i for i in wanted if i not in found]
    if missing:
        raise Invalid(
            f"Không có tài khoản số {missing[0]}. No account with id {missing[0]}.",
            code="UNKNOWN_ACCOUNT",
        )
    wrong = [a for a in found.values() if a.role not in ASSIGNABLE_ROLES]
    if wrong:
        raise Invalid(
            f"Tài khoản {wrong[0].username!r} có vai trò {wrong[0].role!r}: chỉ giáo viên và "
            "người xem được phân công (các vai trò khác đã thấy mọi cuộc họp). "
            f"The account {wrong[0].username!r} has the role {wrong[0].role!r}: only teachers "
            "and viewers are assigned (the other roles see every meeting already).",
            code="NOT_ASSIGNABLE",
        )
    before = {a.id for a in meeting_staff(session, meeting_id=meeting_id)}
    session.execute(delete(MeetingStaff).where(MeetingStaff.meeting_id == meeting_id))
    session.add_all(MeetingStaff(meeting_id=meeting_id, account_id=i) for i in wanted)
    session.flush()
    if before != set(wanted):
        record(
            session,
            actor=actor,
            action="staff_assigned",
            meeting_id=meeting_id,
            detail={
                "added": sorted(set(wanted) - before),
                "removed": sorted(before - set(wanted)),
            },
        )
    return meeting_staff(session, meeting_id=meeting_id)
