"""Personal voting links: one per delegate per meeting, stored as a hash, replaced on reissue."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Unauthorized
from attendance.meetings import get_meeting, lock_meeting, require_on_roster
from attendance.orm import AttendanceEvent, Participant, utcnow
from attendance.people import get_person
from attendance.permissions import Permission, may
from attendance.presence import ARRIVED
from attendance.tokens import hash_token
from attendance.voting.tables import VotingPass

PREFIX = "vp_"  # tells a voting link apart from a staff or kiosk token at a glance


def revoke_passes(session: Session, *, meeting_id: int, person_ids: Collection[int]) -> int:
    """Every voting link these people hold for this meeting stops working; how many did."""
    if not person_ids:
        return 0
    revoked = session.execute(
        update(VotingPass)
        .where(
            VotingPass.meeting_id == meeting_id,
            VotingPass.person_id.in_(list(person_ids)),
            VotingPass.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(revoked.rowcount or 0)  # type: ignore[attr-defined]


def issue_pass(
    session: Session,
    *,
    meeting_id: int,
    person_id: int,
    actor: str,
    arrival: AttendanceEvent | None = None,
) -> str:
    """A new pass for this member of this meeting; earlier ones stop working. Returns the
    token, which is shown once (as a link or QR code) and never stored. `actor` is the staff
    member who hands it out; `arrival`, the check-in that brought it, if one did."""
    get_meeting(session, meeting_id=meeting_id)
    if arrival is None:
        # Roster edits hold the meeting first: one taking this person off waits, or is seen.
        lock_meeting(session, meeting_id=meeting_id)
        person = get_person(session, person_id=person_id)
        require_on_roster(session, meeting_id=meeting_id, person=person)
        revoke_passes(session, meeting_id=meeting_id, person_ids=[person_id])
    # Else `issue_pass_on_arrival`: the check-in held the meeting and asked the roster again
    # once its arrival was written, and the member holds no working link to revoke.
    token = PREFIX + secrets.token_urlsafe(24)
    session.add(
        VotingPass(meeting_id=meeting_id, person_id=person_id, token_sha256=hash_token(token))
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="voting_pass_issued",
        meeting_id=meeting_id,
        subject=f"person:{person_id}",
        detail={} if arrival is None else {"on_arrival": True, "event_id": arrival.id},
    )
    return token


def authenticate_pass(session: Session, *, token: str | None) -> VotingPass:
    found = None
    if token and token.startswith(PREFIX):
        found = session.scalars(
            select(VotingPass).where(
                VotingPass.token_sha256 == hash_token(token), VotingPass.revoked_at.is_(None)
            )
        ).first()
    if found is None:
        raise Unauthorized(
            "Liên kết bỏ phiếu không hợp lệ hoặc đã được thay; xin thư ký cấp lại. "
            "This voting link is not valid or was replaced; ask the secretary for a new one."
        )
    return found


@dataclass(frozen=True)
class ArrivalLink:
    """What a check-in did about the delegate's voting link."""

    token: str | None = None  # a new link, shown once
    held: bool = False  # earned, but a working link was issued earlier: that one stays


NO_LINK = ArrivalLink()


def holds_pass(session: Session, *, meeting_id: int, person_id: int) -> bool:
    """Whether this person holds a voting link for this meeting that still works."""
    found = session.scalar(
        select(VotingPass.id).where(
            VotingPass.meeting_id == meeting_id,
            VotingPass.person_id == person_id,
            VotingPass.revoked_at.is_(None),
        )
    )
    return found is not None


def issue_pass_on_arrival(
    session: Session, *, event: AttendanceEvent, created: bool, role: str, actor: str
) -> ArrivalLink:
    """The one rule for a check-in's voting link: a voting member's first arrival, recorded
    by staff (`role` may hand out links; `actor` names them in the audit log), brings one,
    unless they already hold a working link (handed out before the meeting, at the door): a
    new pass would cut off the phone that holds it, which then shows the ballot by itself. A
    repeated check-in or a return keeps the old link too; a kiosk's word or photo brings none
    (no liveness check: a photo is no proof of presence)."""
    if not created or event.kind != ARRIVED or not may(role, Permission.HAND_OUT_VOTING_LINKS):
        return NO_LINK
    votes = session.scalar(
        select(Participant.voting_rights).where(
            Participant.meeting_id == event.meeting_id, Participant.person_id == event.person_id
        )
    )
    if not votes:
        return NO_LINK
    if holds_pass(session, meeting_id=event.meeting_id, person_id=event.person_id):
        return ArrivalLink(held=True)
    token = issue_pass(
        session,
        meeting_id=event.meeting_id,
        person_id=event.person_id,
        actor=actor,
        arrival=event,
    )
    return ArrivalLink(token=token)
