"""One person at a time on a meeting's roster: add, take off, change voting rights, note why
they stay away (audited).
The whole list at once, under the same rules: `attendance.roster_replace`."""

from __future__ import annotations

import logging

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict, Invalid, NotFound
from attendance.meetings import get_meeting, lock_meeting
from attendance.names import name_sort_key
from attendance.orm import AttendanceEvent, Participant, Person
from attendance.people import get_person, search_people
from attendance.text import clean_text
from attendance.voting.passes import revoke_passes
from attendance.voting.tables import Poll, Proxy

logger = logging.getLogger(__name__)

MAX_ABSENCE_REASON = 300  # the column's width (attendance/orm.py Participant.absence_reason)


def roster_rights(session: Session, *, meeting_id: int) -> dict[int, bool]:
    """Each participant's voting rights: True for a voting member, False for an observer."""
    rows = session.execute(
        select(Participant.person_id, Participant.voting_rights).where(
            Participant.meeting_id == meeting_id
        )
    )
    return {int(person_id): bool(votes) for person_id, votes in rows}


def roster_candidates(
    session: Session,
    *,
    meeting_id: int,
    query: str,
    limit: int = 20,
    within: set[int] | None = None,
) -> list[Person]:
    """People whose name matches `query` (diacritics optional, as on /people) and who are
    not on this meeting's roster yet, in Vietnamese name order; `within`: only people on
    the rosters of these meetings (a teacher's or viewer's own; None: everyone)."""
    if not query.strip():
        return []
    on_roster = set(roster_rights(session, meeting_id=meeting_id))
    where = None
    if within is not None:
        where = Person.id.in_(
            select(Participant.person_id).where(Participant.meeting_id.in_(within))
        )
    found = [
        p
        for p in search_people(session, query=query, limit=200, where=where)
        if p.id not in on_roster
    ]
    return sorted(found, key=lambda p: (name_sort_key(p.full_name), p.id))[:limit]


def add_participant(
    session: Session, *, meeting_id: int, person_id: int, voting_rights: bool, actor: str
) -> Participant:
    """Put one known person on the roster, as a voting member or an observer."""
    get_meeting(session, meeting_id=meeting_id)
    lock_meeting(session, meeting_id=meeting_id)
    person = get_person(session, person_id=person_id)
    if session.get(Participant, (meeting_id, person_id)) is not None:
        raise Conflict(
            f"{person.full_name} đã có trong danh sách cuộc họp này. "
            "This person is already on this meeting's roster.",
            code="ALREADY_ON_ROSTER",
        )
    if voting_rights:
        refuse_while_voting(session, meeting_id=meeting_id)
    participant = Participant(
        meeting_id=meeting_id, person_id=person_id, voting_rights=voting_rights
    )
    session.add(participant)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="participant_added",
        meeting_id=meeting_id,
        subject=f"person:{person_id}",
        detail={"voting_rights": voting_rights},
    )
    logger.info("meeting %s: person %s added to the roster", meeting_id, person_id)
    return participant


def remove_participant(
    session: Session, *, meeting_id: int, person_id: int, actor: str
) -> Participant:
    """Take one person off the roster. Someone who has checked in stays (their arrival would
    show nowhere); a proxy they gave goes with them, and their voting link stops working."""
    lock_meeting(session, meeting_id=meeting_id)  # an arrival racing this waits, or is seen
    participant, person = _participant(session, meeting_id=meeting_id, person_id=person_id)
    arrived = session.scalar(
        select(AttendanceEvent.id)
        .where(AttendanceEvent.meeting_id == meeting_id, AttendanceEvent.person_id == person_id)
        .limit(1)
    )
    if arrived is not None:
        raise Conflict(
            f"{person.full_name} đã điểm danh trong cuộc họp này nên không thể xóa khỏi danh "
            "sách; nếu đã ra về, hãy ghi ra về. This person has checked in to this meeting and "
            "cannot be taken off the roster; check them out if they left.",
            code="ALREADY_ARRIVED",
        )
    if participant.voting_rights:
        refuse_while_voting(session, meeting_id=meeting_id)
    proxies = session.execute(
        delete(Proxy).where(
            Proxy.meeting_id == meeting_id,
            or_(Proxy.grantor_id == person_id, Proxy.holder_id == person_id),
        )
    ).rowcount  # type: ignore[attr-defined]
    revoke_passes(session, meeting_id=meeting_id, person_ids=[person_id])
    session.delete(participant)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="participant_removed",
        meeting_id=meeting_id,
        subject=f"person:{person_id}",
        detail={"voting_rights": participant.voting_rights, "proxies_revoked": int(proxies or 0)},
    )
    logger.info("meeting %s: person %s taken off the roster", meeting_id, person_id)
    return participant


def set_voting_rights(
    session: Session, *, meeting_id: int, person_id: int, voting_rights: bool, actor: str
) -> Participant:
    """Make a participant a voting member or an observer; the same value changes nothing."""
    lock_meeting(session, meeting_id=meeting_id)  # a poll opening meanwhile is seen
    participant, person = _participant(session, meeting_id=meeting_id, person_id=person_id)
    if participant.voting_rights == voting_rights:
        return participant
    refuse_while_voting(session, meeting_id=meeting_id)
    if not voting_rights:
        holds = session.scalar(
            select(Proxy.id)
            .where(
                Proxy.meeting_id == meeting_id,
                or_(Proxy.grantor_id == person_id, Proxy.holder_id == person_id),
            )
            .limit(1)
        )
        if holds is not None:
            raise Conflict(
                f"{person.full_name} đang có ủy quyền trong cuộc họp này; hãy hủy ủy quyền "
                "trước khi bỏ quyền biểu quyết. This member gave or holds a proxy in this "
                "meeting; revoke it before taking their vote away.",
                code="PROXY_EXISTS",
            )
    participant.voting_rights = voting_rights
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="voting_rights_changed",
        meeting_id=meeting_id,
        subject=f"person:{person_id}",
        detail={"voting_rights": voting_rights},
    )
    return participant


def set_absence_reason(
    session: Session, *, meeting_id: int, person_id: int, reason: str | None, actor: str
) -> Participant:
    """Why a participant stays away (vắng có lý do), as they sent word; None or blank clears
    it. Taken at any time: word often comes before the meeting, and the notice only names
    it for someone who did not come."""
    participant, _ = _participant(session, meeting_id=meeting_id, person_id=person_id)
    text = clean_text(reason, field="absence_reason") if reason is not None else ""
    if len(text) > MAX_ABSENCE_REASON:
        raise Invalid(
            f"Lý do vắng dài tối đa {MAX_ABSENCE_REASON} ký tự (đang có {len(text)}). "
            f"An absence reason is at most {MAX_ABSENCE_REASON} characters ({len(text)} given).",
            code="TOO_LONG",
        )
    new = text or None
    if participant.absence_reason == new:
        return participant
    participant.absence_reason = new
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="absence_reason_set" if new else "absence_reason_cleared",
        meeting_id=meeting_id,
        subject=f"person:{person_id}",
    )
    return participant


def absence_reasons(session: Session, *, meeting_id: int) -> dict[int, str]:
    """person id -> the reason they gave for staying away, for those who gave one."""
    rows = session.execute(
        select(Participant.person_id, Participant.absence_reason).where(
            Participant.meeting_id == meeting_id, Participant.absence_reason.is_not(None)
        )
    )
    return {int(person_id): str(reason) for person_id, reason in rows}


def _participant(
    session: Session, *, meeting_id: int, person_id: int
) -> tuple[Participant, Person]:
    get_meeting(session, meeting_id=meeting_id)
    person = get_person(session, person_id=person_id)
    participant = session.get(Participant, (meeting_id, person_id))
    if participant is None:
        raise NotFound(  # by number: the name is not the caller's to learn from a refusal
            f"Người số {person.id} không có trong danh sách cuộc họp này. "
            f"Person {person.id} is not on this meeting's roster."
        )
    return participant, person


def open_poll_title(session: Session, *, meeting_id: int) -> str | None:
    """The title of a poll open in this meeting, if one is."""
    return session.scalar(
        select(Poll.title).where(Poll.meeting_id == meeting_id, Poll.state == "open").limit(1)
    )


def refuse_while_voting(session: Session, *, meeting_id: int) -> None:
    """Who may vote is fixed while a poll is open: its base and quorum count them at close."""
    title = open_poll_title(session, meeting_id=meeting_id)
    if title is not None:
        raise Conflict(
            f"Biểu quyết '{title}' đang mở: chưa thể thay đổi người có quyền biểu quyết; hãy "
            f"đợi kết thúc. The poll '{title}' is open: who may vote cannot change until it "
            "closes.",
            code="POLL_OPEN",
        )
