"""Closed polls as the pages, the minutes and the exports show them."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.exports.report import NamedBallot, OpinionLine, PollSummary
from attendance.meetings import get_meeting
from attendance.names import name_sort_key
from attendance.voting.opinions import authored_opinions
from attendance.voting.tables import Poll

# The heads a result's reason starts with (attendance/voting/outcome.py). "Kết quả" is what
# the minutes already say before it: kept, it would read "Kết quả: Kết quả: ...".
RESULT_HEAD = "Kết quả"


def in_name_order(choices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Named choices in Vietnamese name order (given name first), however they were stored."""
    return sorted(
        choices, key=lambda c: (name_sort_key(c["person"]["full_name"]), c["person"]["id"])
    )


def stored_result(poll: Poll) -> dict[str, Any] | None:
    """The result written when the poll closed, named choices in Vietnamese name order (results
    stored before that order was kept are put in it when read)."""
    if poll.result is None:
        return None
    result: dict[str, Any] = json.loads(poll.result)
    if result.get("named_choices"):
        result["named_choices"] = in_name_order(result["named_choices"])
    return result


def outcome_text(reason_vi: str) -> str:
    """'Thông qua: tán thành 4 trên 5 (…).' -> 'Thông qua, tán thành 4 trên 5 (…)': one colon,
    the one after "Kết quả" in the minutes."""
    head, colon, rest = reason_vi.rstrip(".").partition(": ")
    if not colon:
        return head
    return rest if head == RESULT_HEAD else f"{head}, {rest}"


def poll_summaries(session: Session, *, meeting_id: int) -> tuple[PollSummary, ...]:
    """Published results only: a poll still open has no result to put in the minutes."""
    get_meeting(session, meeting_id=meeting_id)
    closed = session.scalars(
        select(Poll)
        .where(Poll.meeting_id == meeting_id, Poll.state == "closed")
        .order_by(Poll.closed_at, Poll.id)
    )
    summaries = []
    for poll in closed:
        if poll.kind == "opinion":
            summaries.append(_opinion_summary(session, poll))
            continue
        result = stored_result(poll) or {}
        counts = tuple((o["label"], int(o["votes"])) for o in result.get("options", []))
        secrecy = "bỏ phiếu kín" if poll.secrecy == "secret" else "biểu quyết công khai"
        reason = outcome_text(result.get("reason_vi", ""))
        outcome = f"{reason} ({secrecy}, {result.get('ballots', 0)} phiếu)"
        named: tuple[NamedBallot, ...] = ()
        if poll.secrecy == "named":  # a secret poll's stored result has no choices; never ask
            named = tuple(
                NamedBallot(
                    full_name=c["person"]["full_name"],
                    choices="; ".join(c["options"]),
                    cast_by=(c.get("cast_by") or {}).get("full_name", ""),
                )
                for c in result.get("named_choices") or []
            )
        summaries.append(PollSummary(poll.title, counts, outcome, named))
    return tuple(summaries)


def _opinion_summary(session: Session, poll: Poll) -> PollSummary:
    """An opinion collection decides nothing: what was said, by whom on a named one."""
    given = authored_opinions(session, meeting_id=poll.meeting_id, poll_id=poll.id)
    lines = tuple(
        OpinionLine(text=o.text, full_name=o.person.full_name if o.person else "", stance=o.stance)
        for o in given
    )
    kind = "ý kiến không ghi tên" if poll.secrecy == "secret" else "ý kiến ghi tên"
    outcome = f"Lấy ý kiến, không biểu quyết ({kind}, {len(lines)} ý kiến)"
    return PollSummary(
        poll.title, (), outcome, opinion=True, opinions=lines, secret=poll.secrecy == "secret"
    )
