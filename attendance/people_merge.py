"""Merging a duplicate into the real person: everything of theirs follows, then they go.

Face templates, roster entries (on both rosters: one entry, voting if either voted), attendance
events (both checked in to one meeting: the earlier arrival is kept, attendance/people_timeline),
ballots (as voter or as proxy holder), proxies (one between the two of them is dropped), voting
links, named opinions and review items all move to the person merged into. Refused (409) when
following would break a rule: both voted in the same poll, or both gave a proxy in one meeting.
The merged-into person keeps their code (or takes the other's when they have none), and takes
the other's title and unit where they have none.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, delete, distinct, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from attendance import audit
from attendance.db import forget_after_commit
from attendance.errors import Conflict, Invalid, NotFound
from attendance.orm import MAX_ID, AttendanceEvent, Base, FaceTemplate, Participant, Person
from attendance.people import get_person, lock_people
from attendance.people_timeline import SharedMeeting, merge_timelines, shared_meetings
from attendance.person_records import PersonRecords, person_records
from attendance.review.tables import ReviewItem
from attendance.templates import bump_gallery_version
from attendance.voting.tables import BallotRecord, Opinion, Poll, Proxy, VotingPass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MergePlan:
    """What merging `source` into `target` would do; nothing is written to know it."""

    source: Person
    target: Person
    records: PersonRecords  # the source's: what moves
    shared_rosters: int = 0  # meetings both are invited to: one roster entry stays
    duplicate_templates: int = 0  # the same photo enrolled for both: kept once
    shared_meetings: list[SharedMeeting] = field(default_factory=list)  # both checked in
    code: str | None = None  # the code the merged person keeps
    both_voted: list[tuple[int, str]] = field(default_factory=list)  # polls: (id, title)
    both_proxied: list[int] = field(default_factory=list)  # meetings where both gave a proxy

    @property
    def refusals(self) -> list[str]:
        """Why the merge cannot be done, each in both languages; empty when it can."""
        voted = [
            f"Cả hai người đã bỏ phiếu trong «{title}» (#{poll_id}): hai lá phiếu không thể "
            f"thành của một người, nên không gộp được. Both people voted in “{title}” "
            f"(#{poll_id}): two ballots cannot become one person's, so they cannot be merged."
            for poll_id, title in self.both_voted
        ]
        proxied = [
            f"Cả hai người đều đã ủy quyền trong cuộc họp #{meeting_id}; hãy hủy một ủy quyền "
            f"rồi gộp. Both people gave a proxy in meeting #{meeting_id}; revoke one of them, "
            "then merge."
            for meeting_id in self.both_proxied
        ]
        return voted + proxied


def plan_merge(session: Session, *, person_id: int, into_id: int) -> MergePlan:
    source = get_person(session, person_id=person_id)
    target = session.get(Person, into_id) if 0 < into_id <= MAX_ID else None
    if target is None:
        raise NotFound(
            f"Không có người với mã số {into_id} để gộp vào. No person with id {into_id} "
            "to merge into.",
            code="UNKNOWN_PERSON",
        )
    if target.id == source.id:
        raise Invalid(
            "Không thể gộp một người vào chính họ. A person cannot be merged into themselves.",
            code="MERGE_SELF",
        )
    pair = (source.id, target.id)
    return MergePlan(
        source=source,
        target=target,
        records=person_records(session, person_id=source.id),
        shared_rosters=len(_shared_rosters(session, pair)),
        duplicate_templates=len(_duplicate_templates(session, pair)),
        shared_meetings=shared_meetings(session, source_id=source.id, target_id=target.id),
        code=target.code or source.code,
        both_voted=_both_voted(session, pair),
        both_proxied=_both_proxied(session, pair),
    )


def merge_people(session: Session, *, person_id: int, into_id: int, actor: str) -> Person:
    """Merge person `person_id` into `into_id`, all or nothing; returns the person kept."""
    lock_people(session, person_ids=[person_id, into_id])
    plan = plan_merge(session, person_id=person_id, into_id=into_id)
    if plan.refusals:
        raise Conflict(
            " ".join(plan.refusals),
            code="MERGE_BOTH_VOTED" if plan.both_voted else "MERGE_BOTH_PROXIED",
        )
    source, target = plan.source, plan.target
    pair = (source.id, target.id)
    _move_templates(session, pair)
    _move_rosters(session, pair)
    dropped = merge_timelines(session, plans=plan.shared_meetings)
    _move(session, AttendanceEvent.person_id, pair)
    _move(session, BallotRecord.person_id, pair)
    _move(session, BallotRecord.cast_by_id, pair)
    # A proxy between the two would be a person's proxy to themselves.
    _delete(session, Proxy, Proxy.grantor_id.in_(pair), Proxy.holder_id.in_(pair))
    _move(session, Proxy.grantor_id, pair)
    _move(session, Proxy.holder_id, pair)
    _move(session, VotingPass.person_id, pair)
    _move(session, Opinion.person_id, pair)
    _move(session, ReviewItem.candidate_id, pair)
    _move(session, ReviewItem.runner_up_id, pair)
    session.execute(  # "too close to call" between one person and themselves: one candidate
        update(ReviewItem)
        .where(ReviewItem.candidate_id == target.id, ReviewItem.runner_up_id == target.id)
        .values(runner_up_id=None)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        actor=actor,
        action="person_merged",
        subject=f"person:{target.id}",
        detail={
            "from_id": source.id,
            "from_name": source.full_name,
            "from_code": source.code,
            "into_id": target.id,
            "into_name": target.full_name,
            "moved": asdict(plan.records),
            "shared_rosters": plan.shared_rosters,
            "duplicate_templates": plan.duplicate_templates,
            "events_dropped": dropped,
            "both_checked_in": [
                {"meeting_id": s.meeting_id, "kept_arrival": s.kept_arrival.isoformat()}
                for s in plan.shared_meetings
            ],
        },
    )
    title, unit, code = source.title, source.unit, source.code
    session.execute(delete(Person).where(Person.id == source.id))
    session.expunge(source)
    session.flush()  # the source's code is free now
    target.code = target.code or code
    target.title = target.title or title
    target.unit = target.unit or unit
    session.flush()
    session.expire_all()  # the bulk moves above are what the database holds now
    logger.info("person %d merged into %d", pair[0], pair[1])
    return get_person(session, person_id=target.id)


def _both_voted(session: Session, pair: tuple[int, int]) -> list[tuple[int, str]]:
    return [
        (int(poll_id), str(title))
        for poll_id, title in session.execute(
            select(Poll.id, Poll.title)
            .join(BallotRecord, BallotRecord.poll_id == Poll.id)
            .where(BallotRecord.person_id.in_(pair))
            .group_by(Poll.id, Poll.title)
            .having(func.count(distinct(BallotRecord.person_id)) > 1)
            .order_by(Poll.id)
        )
    ]


def _both_proxied(session: Session, pair: tuple[int, int]) -> list[int]:
    """Meetings where each gave a proxy to someone else (one to the other is dropped)."""
    return list(
        session.scalars(
            select(Proxy.meeting_id)
            .where(Proxy.grantor_id.in_(pair), Proxy.holder_id.not_in(pair))
            .group_by(Proxy.meeting_id)
            .having(func.count(distinct(Proxy.grantor_id)) > 1)
            .order_by(Proxy.meeting_id)
        )
    )


def _shared_rosters(session: Session, pair: tuple[int, int]) -> list[int]:
    return list(
        session.scalars(
            select(Participant.meeting_id)
            .where(Participant.person_id.in_(pair))
            .group_by(Participant.meeting_id)
            .having(func.count() > 1)
        )
    )


def _duplicate_templates(session: Session, pair: tuple[int, int]) -> list[int]:
    """The source's templates of a photo the target has enrolled with the same model."""
    source_id, target_id = pair
    photo = (FaceTemplate.id, FaceTemplate.model_key, FaceTemplate.photo_sha256)
    target = session.execute(select(*photo).where(FaceTemplate.person_id == target_id))
    theirs = {(key, sha) for _, key, sha in target}
    return [
        template_id
        for template_id, key, sha in session.execute(
            select(*photo).where(FaceTemplate.person_id == source_id)
        )
        if (key, sha) in theirs
    ]


def _move_templates(session: Session, pair: tuple[int, int]) -> None:
    keys = set(
        session.scalars(
            select(FaceTemplate.model_key).where(FaceTemplate.person_id == pair[0]).distinct()
        )
    )
    duplicates = _duplicate_templates(session, pair)
    if duplicates:
        _delete(session, FaceTemplate, FaceTemplate.id.in_(duplicates))
        forget_after_commit(session)  # face data: gone from the WAL too
    _move(session, FaceTemplate.person_id, pair)
    for key in sorted(keys):  # galleries hold person ids: every cache must reload
        bump_gallery_version(session, model_key=key)


def _move_rosters(session: Session, pair: tuple[int, int]) -> None:
    source_id, target_id = pair
    shared = _shared_rosters(session, pair)
    if shared:
        voters = select(Participant.meeting_id).where(
            Participant.person_id == source_id, Participant.voting_rights.is_(True)
        )
        session.execute(
            update(Participant)
            .where(
                Participant.person_id == target_id,
                Participant.meeting_id.in_(shared),
                Participant.meeting_id.in_(voters),
            )
            .values(voting_rights=True)
            .execution_options(synchronize_session=False)
        )
        _delete(
            session,
            Participant,
            Participant.person_id == source_id,
            Participant.meeting_id.in_(shared),
        )
    _move(session, Participant.person_id, pair)


def _move(session: Session, column: InstrumentedAttribute[Any], pair: tuple[int, int]) -> None:
    """Every row of `column`'s table that names the source names the target instead."""
    session.execute(
        update(column.class_)
        .where(column == pair[0])
        .values({column.key: pair[1]})
        .execution_options(synchronize_session=False)
    )


def _delete(session: Session, table: type[Base], *conditions: ColumnElement[bool]) -> None:
    session.execute(delete(table).where(*conditions).execution_options(synchronize_session=False))
