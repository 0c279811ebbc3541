"""Closed polls as the minutes and the PDF export show them."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.exports.report import PollSummary
from attendance.meetings import get_meeting
from attendance.voting.tables import Poll


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
        result = json.loads(poll.result or "{}")
        counts = tuple((o["label"], int(o["votes"])) for o in result.get("options", []))
        secrecy = "bỏ phiếu kín" if poll.secrecy == "secret" else "biểu quyết công khai"
        outcome = f"{result.get('reason_vi', '')} ({secrecy}, {result.get('ballots', 0)} phiếu)"
        summaries.append(PollSummary(title=poll.title, counts=counts, outcome=outcome))
    return tuple(summaries)
