"""What was said and decided on each agenda item: its polls with their results, and its
opinions grouped by stance, for the secretary writing the conclusions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.agenda import agenda
from attendance.orm import AgendaItem, Person
from attendance.voting.opinions import STANCES, AuthoredOpinion
from attendance.voting.summary import stored_result
from attendance.voting.tables import Opinion, Poll


@dataclass(frozen=True)
class PollResult:
    poll: Poll
    counts: tuple[tuple[str, int], ...]  # (option label, votes); () until the poll closes
    reason_vi: str | None  # the result and its rule in numbers; None until the poll closes
    reason_en: str | None


@dataclass(frozen=True)
class ItemDiscussion:
    item: AgendaItem | None  # None: the polls and opinions of the meeting on no agenda item
    polls: tuple[PollResult, ...]
    opinions: dict[str, tuple[AuthoredOpinion, ...]]  # every stance in STANCES order, maybe ()

    @property
    def opinion_count(self) -> int:
        return sum(len(said) for said in self.opinions.values())


def discussion(session: Session, *, meeting_id: int) -> list[ItemDiscussion]:
    """Each agenda item in order, then (when there is any) what belongs to no item.

    An opinion given on a poll belongs to that poll's item: an opinion collection on an item
    is the usual way to ask the room about it."""
    items = agenda(session, meeting_id=meeting_id)
    polls = list(
        session.scalars(
            select(Poll).where(Poll.meeting_id == meeting_id).order_by(Poll.created_at, Poll.id)
        )
    )
    item_of_poll = {p.id: p.agenda_item_id for p in polls}
    said = list(
        session.scalars(
            select(Opinion).where(Opinion.meeting_id == meeting_id).order_by(Opinion.at, Opinion.id)
        )
    )
    ids = {o.person_id for o in said if o.person_id is not None}
    people = (
        {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    )
    grouped: dict[int | None, dict[str, list[AuthoredOpinion]]] = {}
    for o in said:
        item_id = o.agenda_item_id if o.poll_id is None else item_of_poll.get(o.poll_id)
        stance = o.stance if o.stance in STANCES else "other"
        author = None if o.person_id is None else people.get(o.person_id)
        bucket = grouped.setdefault(item_id, {s: [] for s in STANCES})
        bucket[stance].append(AuthoredOpinion(o.text, o.at, author, stance))
    results: dict[int | None, list[PollResult]] = {}
    for poll in polls:
        results.setdefault(poll.agenda_item_id, []).append(_result(poll))

    def one(item: AgendaItem | None, key: int | None) -> ItemDiscussion:
        bucket = grouped.get(key, {})
        return ItemDiscussion(
            item,
            tuple(results.get(key, ())),
            {s: tuple(bucket.get(s, ())) for s in STANCES},
        )

    found = [one(item, item.id) for item in items]
    loose = one(None, None)
    if loose.polls or loose.opinion_count:
        found.append(loose)
    return found


def _result(poll: Poll) -> PollResult:
    result = stored_result(poll) if poll.state == "closed" else None
    if result is None:
        return PollResult(poll, (), None, None)
    counts = tuple((o["label"], int(o["votes"])) for o in result.get("options", []))
    return PollResult(poll, counts, result.get("reason_vi"), result.get("reason_en"))
