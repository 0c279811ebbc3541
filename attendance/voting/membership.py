"""Who may vote in a meeting, who is there to vote now, and through whom."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.orm import Participant, utcnow
from attendance.presence import present_events
from attendance.voting.rules import Quorum
from attendance.voting.tables import Proxy


def voting_members(session: Session, *, meeting_id: int) -> set[int]:
    return set(
        session.scalars(
            select(Participant.person_id).where(
                Participant.meeting_id == meeting_id, Participant.voting_rights.is_(True)
            )
        )
    )


def proxies(session: Session, *, meeting_id: int) -> list[Proxy]:
    return list(
        session.scalars(select(Proxy).where(Proxy.meeting_id == meeting_id).order_by(Proxy.id))
    )


def represented(
    session: Session, *, meeting_id: int, at: datetime | None = None
) -> tuple[set[int], set[int]]:
    """(members present in person, members represented by a present proxy holder), at `at`
    (now by default: the moment a ballot checks its voter's presence too)."""
    members = voting_members(session, meeting_id=meeting_id)
    here = set(present_events(session, meeting_id=meeting_id, at=at or utcnow()))
    in_person = members & here
    by_proxy = {
        p.grantor_id
        for p in proxies(session, meeting_id=meeting_id)
        if p.holder_id in here and p.grantor_id in members and p.grantor_id not in here
    }
    return in_person, by_proxy


def quorum_now(
    session: Session, *, meeting_id: int, fraction: Fraction, at: datetime | None = None
) -> Quorum:
    members = voting_members(session, meeting_id=meeting_id)
    in_person, by_proxy = represented(session, meeting_id=meeting_id, at=at)
    return Quorum(members=len(members), present=len(in_person | by_proxy), fraction=fraction)
