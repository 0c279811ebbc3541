"""Opinion collection (lấy ý kiến): written opinions on a poll or an agenda item."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.agenda import get_agenda_item
from attendance.errors import Conflict, Invalid
from attendance.meetings import require_on_roster
from attendance.orm import Participant, Person, utcnow
from attendance.people import get_person
from attendance.presence import require_present
from attendance.text import clean_text
from attendance.voting.polls import get_poll, not_in_state
from attendance.voting.tables import Opinion

MAX_OPINION = 5000
# Opinions one member may give on one poll or agenda item: enough to add to what they said,
# and no flood (300 opinions of 5,000 characters made the notice 28 s and a hundred pages).
# A secret poll's opinions name nobody, so nothing counts them per member: there the poll
# takes at most this many for each person on the roster, all together.
MAX_OPINIONS_EACH = 5
# What the opinion says of the matter (đồng ý / không đồng ý / ý kiến khác): the conclusion
# notice counts them per agenda item. "other" when the delegate does not say.
STANCES = ("agree", "object", "other")


def check_stance(stance: str | None) -> str:
    """The stance as stored; nothing given is "other", anything not in STANCES a 422."""
    if stance is None or stance == "":
        return "other"
    if stance not in STANCES:
        raise Invalid(
            f"Quan điểm '{stance[:40]}' không hợp lệ; hãy chọn agree (đồng ý), object (không "
            "đồng ý) hoặc other (ý kiến khác). The stance must be agree, object or other.",
            code="INVALID_STANCE",
        )
    return stance


def give_opinion(
    session: Session,
    *,
    meeting_id: int,
    person_id: int,
    text: str,
    poll_id: int | None = None,
    agenda_item_id: int | None = None,
    stance: str | None = "other",
) -> Opinion:
    """A present member's opinion. On a secret poll it is anonymous: no name, no time."""
    stance = check_stance(stance)
    anonymous = False
    if poll_id is not None:
        poll = get_poll(session, meeting_id=meeting_id, poll_id=poll_id)
        if poll.state != "open":
            raise not_in_state(poll, wanted="open")
        anonymous = poll.secrecy == "secret"
    elif agenda_item_id is not None:
        get_agenda_item(session, meeting_id=meeting_id, item_id=agenda_item_id)
    else:
        raise Invalid("Ý kiến phải gắn với một nội dung. An opinion needs a poll or agenda item.")
    # Line breaks are kept; within each line, what clean_text refuses is refused here too.
    lines = [clean_text(line, field="text") for line in text.strip().splitlines()]
    body = "\n".join(lines).strip()
    if not body or len(body) > MAX_OPINION:
        raise Invalid(
            f"Ý kiến phải có nội dung và dài tối đa {MAX_OPINION} ký tự. "
            f"An opinion must be 1 to {MAX_OPINION} characters.",
            code="INVALID_OPINION",
        )
    person = get_person(session, person_id=person_id)
    require_on_roster(session, meeting_id=meeting_id, person=person)
    require_present(
        session,
        meeting_id=meeting_id,
        person=person,
        message="Chỉ đại biểu đang có mặt mới gửi được ý kiến. "
        "Only members present may give opinions.",
    )
    _require_room(
        session,
        meeting_id=meeting_id,
        person_id=person_id,
        poll_id=poll_id,
        agenda_item_id=agenda_item_id,
        anonymous=anonymous,
    )
    opinion = Opinion(
        id=secrets.token_hex(16),
        meeting_id=meeting_id,
        poll_id=poll_id,
        agenda_item_id=agenda_item_id,
        person_id=None if anonymous else person_id,
        at=None if anonymous else utcnow(),
        text=body,
        stance=stance,
    )
    session.add(opinion)
    session.flush()
    if not anonymous:
        audit.record(
            session,
            actor=f"person:{person_id}",
            action="opinion_given",
            meeting_id=meeting_id,
            subject=f"poll:{poll_id}" if poll_id else f"agenda:{agenda_item_id}",
        )
    return opinion


def _require_room(
    session: Session,
    *,
    meeting_id: int,
    person_id: int,
    poll_id: int | None,
    agenda_item_id: int | None,
    anonymous: bool,
) -> None:
    """409 TOO_MANY_OPINIONS once the member's MAX_OPINIONS_EACH are given (a secret poll:
    once the poll holds MAX_OPINIONS_EACH for each person on the roster)."""
    given = select(func.count()).select_from(Opinion).where(Opinion.meeting_id == meeting_id)
    given = given.where(
        Opinion.poll_id == poll_id
        if poll_id is not None
        else Opinion.agenda_item_id == agenda_item_id
    )
    if anonymous:
        roster = session.scalar(
            select(func.count())
            .select_from(Participant)
            .where(Participant.meeting_id == meeting_id)
        )
        limit = MAX_OPINIONS_EACH * (roster or 0)
        if (session.scalar(given) or 0) >= limit:
            raise Conflict(
                f"Biểu quyết kín này đã nhận đủ {limit} ý kiến (tối đa {MAX_OPINIONS_EACH} ý "
                f"kiến cho mỗi đại biểu); không nhận thêm. This secret poll already holds "
                f"{limit} opinions ({MAX_OPINIONS_EACH} for each member); no more are taken.",
                code="TOO_MANY_OPINIONS",
            )
        return
    if (session.scalar(given.where(Opinion.person_id == person_id)) or 0) >= MAX_OPINIONS_EACH:
        raise Conflict(
            f"Mỗi đại biểu gửi tối đa {MAX_OPINIONS_EACH} ý kiến cho một nội dung; bạn đã gửi "
            "đủ; điều muốn nói thêm, xin phát biểu trực tiếp tại cuộc họp. A member may give "
            f"at most {MAX_OPINIONS_EACH} opinions on one poll or agenda item; you have given "
            "them all: say anything further in the meeting.",
            code="TOO_MANY_OPINIONS",
        )


def opinions(
    session: Session,
    *,
    meeting_id: int,
    poll_id: int | None = None,
    agenda_item_id: int | None = None,
) -> list[Opinion]:
    statement = select(Opinion).where(Opinion.meeting_id == meeting_id)
    if poll_id is not None:
        get_poll(session, meeting_id=meeting_id, poll_id=poll_id)
        statement = statement.where(Opinion.poll_id == poll_id)
    if agenda_item_id is not None:
        get_agenda_item(session, meeting_id=meeting_id, item_id=agenda_item_id)
        statement = statement.where(Opinion.agenda_item_id == agenda_item_id)
    # Named ones in the order given; anonymous ones in key order, which is random.
    return list(session.scalars(statement.order_by(Opinion.at, Opinion.id)))


@dataclass(frozen=True)
class AuthoredOpinion:
    text: str
    at: datetime | None
    person: Person | None  # None: anonymous (a secret poll's opinions have no author)
    stance: str = "other"  # STANCES; an opinion stored before stances were asked is "other"


def authored_opinions(
    session: Session,
    *,
    meeting_id: int,
    poll_id: int | None = None,
    agenda_item_id: int | None = None,
) -> list[AuthoredOpinion]:
    """The opinions as pages show them: a named poll's with who gave them."""
    found = opinions(session, meeting_id=meeting_id, poll_id=poll_id, agenda_item_id=agenda_item_id)
    ids = {o.person_id for o in found if o.person_id is not None}
    people = (
        {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    )
    return [
        AuthoredOpinion(
            o.text,
            o.at,
            None if o.person_id is None else people.get(o.person_id),
            o.stance or "other",
        )
        for o in found
    ]
