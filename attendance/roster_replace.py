"""A meeting's whole roster at once (`PUT /api/v1/meetings/{id}/participants`, a roster
file), under the rules of the one-person edits in `attendance.roster`."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict
from attendance.meetings import get_meeting, lock_meeting, set_participants
from attendance.names import name_sort_key
from attendance.orm import AttendanceEvent, Person
from attendance.roster import refuse_while_voting, roster_rights
from attendance.voting.passes import revoke_passes
from attendance.voting.tables import Proxy

logger = logging.getLogger(__name__)

MAX_NAMED = 200  # people named in one audit entry, per kind of change


@dataclass(frozen=True)
class RosterChange:
    person_ids: list[int]
    added: list[int]
    removed: list[int]
    rights_changed: list[int]
    proxies_revoked: int
    links_revoked: int = 0


def apply_roster(
    session: Session, *, meeting_id: int, person_ids: list[int], non_voting_ids: list[int]
) -> RosterChange:
    """Make the roster exactly these people (everyone votes except `non_voting_ids`), under
    the rules of the one-person edits: nobody who has checked in is taken off, who may vote
    does not change while a poll is open, a member who gave or holds a proxy keeps their
    vote, and whoever leaves takes their proxies and voting links with them. Not audited:
    the caller says what the change was."""
    get_meeting(session, meeting_id=meeting_id)
    lock_meeting(session, meeting_id=meeting_id)
    before = roster_rights(session, meeting_id=meeting_id)
    non_voting = set(non_voting_ids)
    after = {p: p not in non_voting for p in set(person_ids) | non_voting}
    leaving = sorted(set(before) - set(after))
    _refuse_arrived(session, meeting_id=meeting_id, person_ids=leaving)
    changed = sorted(p for p in after if p in before and before[p] != after[p])
    voters = {p for p, votes in before.items() if votes} != {p for p, v in after.items() if v}
    if voters:
        refuse_while_voting(session, meeting_id=meeting_id)
    _refuse_proxies(session, meeting_id=meeting_id, person_ids=[p for p in changed if before[p]])
    revoked = links = 0
    if leaving:
        revoked = session.execute(
            delete(Proxy).where(
                Proxy.meeting_id == meeting_id,
                or_(Proxy.grantor_id.in_(leaving), Proxy.holder_id.in_(leaving)),
            )
        ).rowcount  # type: ignore[attr-defined]
        links = revoke_passes(session, meeting_id=meeting_id, person_ids=leaving)
    wanted = set_participants(
        session, meeting_id=meeting_id, person_ids=person_ids, non_voting_ids=sorted(non_voting)
    )
    return RosterChange(
        person_ids=wanted,
        added=sorted(set(after) - set(before)),
        removed=leaving,
        rights_changed=changed,
        proxies_revoked=int(revoked or 0),
        links_revoked=int(links or 0),
    )


def replace_roster(
    session: Session,
    *,
    meeting_id: int,
    person_ids: list[int],
    non_voting_ids: list[int],
    actor: str,
) -> RosterChange:
    """`apply_roster`, audited as one entry with what it changed."""
    change = apply_roster(
        session, meeting_id=meeting_id, person_ids=person_ids, non_voting_ids=non_voting_ids
    )
    audit.record(
        session,
        actor=actor,
        action="roster_replaced",
        meeting_id=meeting_id,
        detail={
            "roster": len(change.person_ids),
            "added": len(change.added),
            "removed": len(change.removed),
            "rights_changed": len(change.rights_changed),
            "proxies_revoked": change.proxies_revoked,
            "links_revoked": change.links_revoked,
            # Who, by name as they were then (a person deleted later stays readable).
            "people": {
                "added": named(session, change.added),
                "removed": named(session, change.removed),
                "rights_changed": named(session, change.rights_changed),
            },
        },
    )
    logger.info(
        "meeting %s: roster set, %d added, %d taken off",
        meeting_id,
        len(change.added),
        len(change.removed),
    )
    return change


def named(session: Session, person_ids: list[int]) -> list[dict[str, object]]:
    """Id and name of each of these people, in Vietnamese name order; the first
    `MAX_NAMED` (the counts say how many in all)."""
    if not person_ids:
        return []
    people = session.scalars(select(Person).where(Person.id.in_(person_ids))).all()
    ordered = sorted(people, key=lambda p: (name_sort_key(p.full_name), p.id))[:MAX_NAMED]
    return [{"id": p.id, "name": p.full_name} for p in ordered]


def arrived_among(session: Session, *, meeting_id: int, person_ids: Collection[int]) -> set[int]:
    """Those of these people who have checked in to this meeting (and may have left since):
    their arrival would show nowhere if they were taken off its roster."""
    if not person_ids:
        return set()
    return set(
        session.scalars(
            select(AttendanceEvent.person_id)
            .where(
                AttendanceEvent.meeting_id == meeting_id,
                AttendanceEvent.person_id.in_(list(person_ids)),
            )
            .distinct()
        )
    )


def _refuse_arrived(session: Session, *, meeting_id: int, person_ids: list[int]) -> None:
    arrived = sorted(arrived_among(session, meeting_id=meeting_id, person_ids=person_ids))
    if arrived:
        names = _names(session, arrived)
        raise Conflict(
            f"{names} đã điểm danh trong cuộc họp này nên không thể xóa khỏi danh sách; nếu "
            f"đã ra về, hãy ghi ra về. {names}: checked in to this meeting, so they cannot be "
            "taken off the roster; check them out if they left.",
            code="ALREADY_ARRIVED",
        )


def _refuse_proxies(session: Session, *, meeting_id: int, person_ids: list[int]) -> None:
    if not person_ids:
        return
    rows = session.execute(
        select(Proxy.grantor_id, Proxy.holder_id).where(
            Proxy.meeting_id == meeting_id,
            or_(Proxy.grantor_id.in_(person_ids), Proxy.holder_id.in_(person_ids)),
        )
    )
    holding = sorted({p for row in rows for p in row if p in set(person_ids)})
    if holding:
        names = _names(session, holding)
        raise Conflict(
            f"{names} đang có ủy quyền trong cuộc họp này; hãy hủy ủy quyền trước khi bỏ quyền "
            f"biểu quyết. {names}: gave or hold a proxy in this meeting; revoke it before "
            "taking their vote away.",
            code="PROXY_EXISTS",
        )


def _names(session: Session, person_ids: list[int]) -> str:
    people = session.scalars(select(Person).where(Person.id.in_(person_ids[:10])))
    names = sorted((p.full_name for p in people), key=name_sort_key)
    more = len(person_ids) - len(names)
    return ", ".join(names) + (f" (+{more})" if more > 0 else "")
