"""The review queue's use cases: a secretary confirms a face; a kiosk reports one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from attendance.checkin_window import CheckinRules
from attendance.errors import Conflict, Invalid
from attendance.matching import Decision, FaceDecision, MatchPolicy
from attendance.meetings import get_meeting, require_on_roster, roster_ids
from attendance.people import get_person
from attendance.review.service import confirm_review, needs_review, record_review, review_by_key
from attendance.review.tables import ReviewItem
from attendance.voting.passes import issue_pass_on_arrival
from models.crops import checked_crop_jpeg


@dataclass(frozen=True)
class ConfirmedReview:
    item: ReviewItem
    voting_token: str | None  # the delegate's new voting link, shown once; None if not earned
    voting_link_held: bool = False  # earned, but the link issued earlier still works


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
    link = issue_pass_on_arrival(
        session, event=arrival.event, created=arrival.created, role=role, actor=actor
    )
    return ConfirmedReview(confirmation.item, link.token, voting_link_held=link.held)


@dataclass(frozen=True)
class Sighting:
    """A face a kiosk was unsure about: its best roster candidate, the scores, a small crop."""

    candidate_id: int
    similarity: float
    crop: bytes  # as sent: decoded and encoded again before it is kept
    source: str
    key: str
    runner_up_id: int | None = None
    margin: float | None = None


@dataclass(frozen=True)
class ReportedSighting:
    item: ReviewItem | None  # None: the candidate is already checked in, nothing to ask
    created: bool


def report_sighting(
    session: Session,
    *,
    meeting_id: int,
    sighting: Sighting,
    policy: MatchPolicy,
    searched: int | None = None,
) -> ReportedSighting:
    """Queue a kiosk's grey-zone face for a secretary, once per key, judged by our own rule.

    The same rule as an image check-in's (`needs_review` with the server's threshold and
    margin): a face it would not queue is refused, so a kiosk set up differently cannot
    fill the queue with strangers. The threshold is the one for the roster the kiosk
    searched: `searched` people (its room's invitees today), else the meeting's roster.
    """
    crop = checked_crop_jpeg(sighting.crop)
    get_meeting(session, meeting_id=meeting_id)
    # Its own namespace: an image check-in's keys ("<key>:face<n>") never meet a kiosk's.
    key = f"sighting:{sighting.key}"
    existing = review_by_key(session, meeting_id=meeting_id, key=key)
    if existing is not None:
        if existing.candidate_id != sighting.candidate_id:
            raise Conflict(
                "idempotency_key này đã dùng cho một khuôn mặt khác. "
                "This idempotency_key was already used for a different face.",
                code="IDEMPOTENCY_KEY_REUSED",
            )
        return ReportedSighting(existing, created=False)
    decision = _decision(session, meeting_id, sighting, policy, searched)
    item = record_review(
        session,
        meeting_id=meeting_id,
        decision=decision,
        source=sighting.source,
        key=key,
        crop_jpeg=crop,
    )
    return ReportedSighting(item, created=item is not None)


def _decision(
    session: Session,
    meeting_id: int,
    sighting: Sighting,
    policy: MatchPolicy,
    searched: int | None,
) -> FaceDecision:
    candidate = get_person(session, person_id=sighting.candidate_id)
    if sighting.runner_up_id is not None:
        if sighting.runner_up_id == candidate.id:
            raise Invalid(
                "Người thứ hai phải khác người được đề xuất. "
                "The runner-up must be someone other than the candidate.",
                code="INVALID_REQUEST",
            )
        get_person(session, person_id=sighting.runner_up_id)
    require_on_roster(session, meeting_id=meeting_id, person=candidate)
    roster = roster_ids(session, meeting_id=meeting_id)
    size = len(roster) if searched is None else searched
    threshold = policy.threshold_for(size)
    margin = sighting.margin
    if margin is not None and margin < policy.margin:
        kind = Decision.AMBIGUOUS
    elif sighting.similarity < threshold:
        kind = Decision.UNKNOWN
    else:
        kind = Decision.MATCH
    decision = FaceDecision(
        decision=kind,
        person_id=None,
        candidate_id=candidate.id,
        similarity=sighting.similarity,
        margin=margin,
        runner_up_id=sighting.runner_up_id,
        threshold=threshold,
        review_floor=policy.review_floor_for(size),
    )
    if not needs_review(decision, threshold=threshold, roster=roster):
        raise Invalid(
            "Khuôn mặt này không thuộc vùng cần xác nhận theo ngưỡng của máy chủ "
            f"(độ giống {sighting.similarity:.2f}, ngưỡng {threshold:.2f}). "
            "By the server's threshold this face is not one to confirm "
            f"(similarity {sighting.similarity:.2f}, threshold {threshold:.2f}).",
            code="NOT_UNCERTAIN",
        )
    return decision
