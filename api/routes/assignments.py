"""Which teachers and viewers are assigned to a meeting (admins and secretaries decide)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from api.deps import ActorDep, SessionDep, need
from api.schemas import AssignedAccountRead, MeetingStaffRead, StaffAssignment
from attendance.permissions import Permission
from attendance.staff.assignments import assign_staff, assignable_accounts, meeting_staff
from attendance.staff.tables import StaffAccount

router = APIRouter(prefix="/meetings/{meeting_id}/staff", tags=["meetings"])


def _read(session: Session, meeting_id: int, accounts: list[StaffAccount]) -> MeetingStaffRead:
    return MeetingStaffRead(
        meeting_id=meeting_id,
        accounts=[_brief(a) for a in accounts],
        assignable=[_brief(a) for a in assignable_accounts(session)],
    )


def _brief(account: StaffAccount) -> AssignedAccountRead:
    return AssignedAccountRead(
        id=account.id,
        username=account.username,
        display_name=account.display_name,
        role=account.role,
    )


@router.get("", dependencies=[need(Permission.MANAGE_MEETINGS)])
def assigned(meeting_id: int, session: SessionDep) -> MeetingStaffRead:
    return _read(session, meeting_id, meeting_staff(session, meeting_id=meeting_id))


@router.put("", dependencies=[need(Permission.MANAGE_MEETINGS)])
def assign(
    meeting_id: int, body: StaffAssignment, session: SessionDep, actor: ActorDep
) -> MeetingStaffRead:
    """Replace the meeting's assigned teachers and viewers with these accounts (422 for an
    account that is not a teacher or viewer: the other roles see every meeting already)."""
    accounts = assign_staff(
        session, meeting_id=meeting_id, account_ids=body.account_ids, actor=actor
    )
    return _read(session, meeting_id, accounts)
