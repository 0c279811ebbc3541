"""Each agenda item's part of the notice: its opinions by stance, its polls' results and rule,
the secretary's conclusion; what belongs to no item in a last "Nội dung khác" part."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.agenda import agenda
from attendance.orm import Person
from attendance.voting.rules import BASE_TEXT
from attendance.voting.summary import poll_summaries
from attendance.voting.tables import Opinion, Poll

OTHER_TITLE = "Nội dung khác"
# An opinion's stance (0021); one given without a stance (older, or not said) counts as other.
STANCE_LABELS = {
    "agree": "Đồng ý",
    "object": "Không đồng ý",
    "other": "Ý kiến khác",
}
MAJORITY_TEXT = {
    "simple": "đa số tương đối (tán thành nhiều hơn không tán thành)",
    "absolute": "quá nửa",
    "two_thirds": "ít nhất hai phần ba",
}


@dataclass(frozen=True)
class OpinionText:
    text: str
    name: str = ""  # "" for an anonymous one (a secret poll's): never named


@dataclass(frozen=True)
class StanceGroup:
    stance: str  # agree | object | other
    label: str  # "Đồng ý", "Không đồng ý", "Ý kiến khác"
    opinions: tuple[OpinionText, ...]

    @property
    def count(self) -> int:
        return len(self.opinions)


@dataclass(frozen=True)
class PollResult:
    title: str
    counts: tuple[tuple[str, int], ...]  # (option label, votes), in the poll's order
    outcome: str  # the minutes' words: "Thông qua, tán thành 3 trên 4 (...) (..., 4 phiếu)"
    rule: str  # "Nguyên tắc: quá nửa, tính trên tổng số đại biểu; ..."
    secret: bool


@dataclass(frozen=True)
class ItemPart:
    number: int  # 1, 2, ... in the agenda's order; the "other" part follows the last
    title: str
    agenda_item_id: int | None  # None for "Nội dung khác"
    stances: tuple[StanceGroup, ...]  # always the three, in STANCE_LABELS' order
    polls: tuple[PollResult, ...]
    conclusion: str | None

    @property
    def opinion_count(self) -> int:
        return sum(g.count for g in self.stances)


def item_parts(
    session: Session, *, meeting_id: int, conclusions: dict[int, str]
) -> tuple[ItemPart, ...]:
    """One part per agenda item (even one with nothing said), then "Nội dung khác" when
    some poll or opinion belongs to no item."""
    items = agenda(session, meeting_id=meeting_id)
    polls = _closed_polls(session, meeting_id=meeting_id)
    poll_items = {
        poll_id: item_id
        for poll_id, item_id in session.execute(
            select(Poll.id, Poll.agenda_item_id).where(Poll.meeting_id == meeting_id)
        )
    }
    opinions = _opinions(session, meeting_id=meeting_id, poll_items=poll_items)
    parts = [
        _part(
            n,
            item.title,
            item.id,
            opinions.get(item.id, []),
            polls.get(item.id, []),
            conclusions.get(item.id),
        )
        for n, item in enumerate(items, 1)
    ]
    loose_opinions, loose_polls = opinions.get(None, []), polls.get(None, [])
    if loose_opinions or loose_polls:
        parts.append(_part(len(parts) + 1, OTHER_TITLE, None, loose_opinions, loose_polls, None))
    return tuple(parts)


def rule_text(poll: Poll) -> str:
    """The rule a poll was decided by, in the words the poll form uses."""
    if poll.majority == "custom":
        majority = f"ít nhất {poll.majority_num}/{poll.majority_den}"
    else:
        majority = MAJORITY_TEXT.get(poll.majority, poll.majority)
    base = BASE_TEXT.get(poll.base, (poll.base, poll.base))[0]
    abstentions = "tính cả" if poll.abstentions_in_base else "không tính"
    quorum = Fraction(poll.quorum_num, poll.quorum_den)
    return (
        f"Nguyên tắc: {majority}, tính trên {base} ({abstentions} phiếu không biểu quyết); "
        f"tối thiểu có mặt {quorum.numerator}/{quorum.denominator} tổng số đại biểu"
    )


def _part(
    number: int,
    title: str,
    item_id: int | None,
    opinions: list[tuple[str, OpinionText]],
    polls: list[PollResult],
    conclusion: str | None,
) -> ItemPart:
    stances = tuple(
        StanceGroup(stance, label, tuple(o for s, o in opinions if s == stance))
        for stance, label in STANCE_LABELS.items()
    )
    return ItemPart(number, title, item_id, stances, tuple(polls), conclusion)


def _closed_polls(session: Session, *, meeting_id: int) -> dict[int | None, list[PollResult]]:
    """Votes only: an opinion collection's opinions are counted by stance with the rest.

    poll_summaries (the minutes' words) lists the closed polls in the order asked here."""
    summaries = poll_summaries(session, meeting_id=meeting_id)
    closed = list(
        session.scalars(
            select(Poll)
            .where(Poll.meeting_id == meeting_id, Poll.state == "closed")
            .order_by(Poll.closed_at, Poll.id)
        )
    )
    by_item: dict[int | None, list[PollResult]] = {}
    for poll, summary in zip(closed, summaries, strict=True):
        if summary.opinion:
            continue
        result = PollResult(
            title=summary.title,
            counts=summary.counts,
            outcome=summary.outcome,
            rule=rule_text(poll),
            secret=poll.secrecy == "secret",
        )
        by_item.setdefault(poll.agenda_item_id, []).append(result)
    return by_item


def _opinions(
    session: Session, *, meeting_id: int, poll_items: dict[int, int | None]
) -> dict[int | None, list[tuple[str, OpinionText]]]:
    """(stance, opinion) per agenda item: given on the item, or on a poll of that item."""
    given = list(
        session.scalars(
            select(Opinion)
            .where(Opinion.meeting_id == meeting_id)
            # Named ones in the order given, then anonymous ones (no time) on both backends.
            .order_by(Opinion.at.is_(None), Opinion.at, Opinion.id)
        )
    )
    ids = {o.person_id for o in given if o.person_id is not None}
    names = (
        dict(session.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids))).all())
        if ids
        else {}
    )
    by_item: dict[int | None, list[tuple[str, OpinionText]]] = {}
    for opinion in given:
        item_id = opinion.agenda_item_id
        if item_id is None and opinion.poll_id is not None:
            item_id = poll_items.get(opinion.poll_id)
        stance = opinion.stance if opinion.stance in STANCE_LABELS else "other"
        name = "" if opinion.person_id is None else names.get(opinion.person_id, "")
        by_item.setdefault(item_id, []).append((stance, OpinionText(opinion.text, name)))
    return by_item
