"""Merging a duplicate into the real person: everything of theirs follows, then they go.

Face templates, roster entries (on both rosters: one entry, voting if either voted), attendance
events (both checked in to one meeting: the earlier arrival is kept, attendance/people_timeline),
ballots (as voter or as proxy holder), proxies (one between the two of them is dropped), voting
links, named opinions and review items all move to the person merged into. Refused (409) when
following would break a rule: both voted in the same poll, both gave a proxy in one meeting, or
both may vote in a meeting whose poll is open (two voters would become one while it counts).
The merged-into person keeps their code (or takes the other's when they have none), and takes
the other's title and unit where they have none.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from attendance import audit
from attendance.consent_tables import Consent
from attendance.db import forget_after_commit
from attendance.documents.tables import DocumentRead
from attendance.errors import Conflict
from attendance.meetings import lock_meetings_then_people
from attendance.orm import AttendanceEvent, Base, FaceTemplate, Participant, Person
from attendance.people import get_person
from attendance.people_merge_plan import (
    colliding_companions,
    duplicate_templates,
    plan_merge,
    shared_rosters,
    shared_voting,
)
from attendance.people_timeline import merge_timelines
from attendance.review.tables import ReviewItem
from attendance.schools.merge import merge_school_records
from attendance.templates import bump_gallery_version, companions_of, move_templates
from attendance.voting.tables import BallotRecord, Opinion, Proxy, VotingPass

logger = logging.getLogger(__name__)


def merge_people(session: Session, *, person_id: int, into_id: int, actor: str) -> Person:
    """Merge person `person_id` into `into_id`, all or nothing; returns the person kept."""
    lock_meetings_then_people(  # a poll opening where both vote waits, or is seen
        session,
        person_ids=[person_id, into_id],
        meetings=lambda: shared_voting(session, (person_id, into_id)),
    )
    plan = plan_merge(session, person_id=person_id, into_id=into_id)
    if plan.refusals:
        raise Conflict(
            " ".join(plan.refusals),
            code="POLL_OPEN"
            if plan.open_polls
            else "MERGE_BOTH_VOTED"
            if plan.both_voted
            else "MERGE_BOTH_PROXIED",
        )
    source, target = plan.source, plan.target
    pair = (source.id, target.id)
    _move_templates(session, pair)
    # One human twice: the consents they gave go with the templates stored under them.
    _move(session, Consent.person_id, pair)
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
    # Who read which document stays on record under the person kept, not cascaded away.
    _move(session, DocumentRead.person_id, pair)
    _move(session, ReviewItem.candidate_id, pair)
    _move(session, ReviewItem.runner_up_id, pair)
    merge_school_records(session, from_id=source.id, into_id=target.id)
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


def _move_templates(session: Session, pair: tuple[int, int]) -> None:
    keys = set(
        session.scalars(
            select(FaceTemplate.model_key).where(FaceTemplate.person_id == pair[0]).distinct()
        )
    )
    duplicates = duplicate_templates(session, pair)
    # A duplicate's second-model template goes with it, explicitly: the foreign key's
    # cascade holds only where the connection enforces foreign keys.
    duplicates += [
        c for ids in companions_of(session, template_ids=duplicates).values() for c in ids
    ]
    duplicates = sorted({*duplicates, *colliding_companions(session, pair)})
    if duplicates:
        _delete(session, FaceTemplate, FaceTemplate.id.in_(duplicates))
        forget_after_commit(session)  # face data: gone from the WAL too
    move_templates(session, from_id=pair[0], to_id=pair[1])  # sealed again for the target
    for key in sorted(keys):  # galleries hold person ids: every cache must reload
        bump_gallery_version(session, model_key=key)


def _move_rosters(session: Session, pair: tuple[int, int]) -> None:
    source_id, target_id = pair
    shared = shared_rosters(session, pair)
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
