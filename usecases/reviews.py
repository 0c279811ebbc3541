"""The review queue's use cases: a secretary confirms a face; a kiosk reports one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from attendance.checkin_window import CheckinRules
from attendance.review.service import confirm_review
from attendance.review.tables import ReviewItem
from attendance.voting.passes import issue_pass_on_arrival


@dataclass(frozen=True)
class ConfirmedReview:
    item: ReviewItem
    voting_token: str | None  # the delegate's new voting link, shown once; None if not earned


def confirm_and_check_in(
    session: Session,
    *,
    item_id: int,
    actor: str,
    role: str,
    note: str | None = None,
    rules: CheckinRules = CheckinRules(),
) -> ConfirmedReview:
    """Check the candidate in; a secretary confirming is staff checking in: the link comes."""
    confirmation = confirm_review(session, item_id=item_id, actor=actor, note=note, rules=rules)
    arrival = confirmation.arrival
    token = issue_pass_on_arrival(session, event=arrival.event, created=arrival.created, role=role)
    return ConfirmedReview(confirmation.item, token)
