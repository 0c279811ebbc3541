"""Deleting a person and everything of theirs, without losing a meeting's record by a misclick.

A person with no history (no arrival, ballot, proxy or opinion: a duplicate from a roster file)
is deleted in one step. One with history is refused (409 `PERSON_HAS_RECORDS`) unless `force`:
then their attendance, ballots (those cast for them or by them as a proxy holder too), proxies
and opinions go with them. Results of closed polls stay as published; secret ballots name
nobody and are not touched. Face data is erased as `erase_templates` does.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.db import forget_after_commit
from attendance.documents.tables import DocumentRead
from attendance.errors import Conflict
from attendance.meetings import lock_meetings_then_people
from attendance.orm import MAX_ID, Participant, Person, utcnow
from attendance.people import erase_templates, get_person
from attendance.person_records import PersonRecords, describe_history, person_records
from attendance.voting.tables import BallotRecord, Poll

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PersonDeleted:
    person_id: int
    full_name: str
    records: PersonRecords  # what went with them
    erased_at: datetime  # when their face data was erased


def delete_person(
    session: Session, *, person_id: int, actor: str, force: bool = False
) -> PersonDeleted:
    if not 0 < person_id <= MAX_ID:  # 404 before any query names an id the database cannot hold
        get_person(session, person_id=person_id)
    # A poll opening where they vote meanwhile waits, or is seen; so does an arrival.
    lock_meetings_then_people(
        session,
        person_ids=[person_id],
        meetings=lambda: session.scalars(
            select(Participant.meeting_id).where(
                Participant.person_id == person_id, Participant.voting_rights.is_(True)
            )
        ).all(),
    )
    person = get_person(session, person_id=person_id)
    refuse_while_they_may_vote(session, person)
    records = person_records(session, person_id=person_id)
    if records.history and not force:
        vi, en = describe_history(records)
        raise Conflict(
            f"{person.full_name} đã có dữ liệu cuộc họp ({vi}); xóa sẽ làm mất dữ liệu đó. "
            "Nếu đây là người bị trùng, hãy gộp vào đúng người; nếu vẫn muốn xóa, hãy xác nhận "
            f"xóa cả dữ liệu này. This person has meeting records ({en}); deleting them would "
            "lose those. If this is a duplicate, merge it into the right person; to delete "
            "anyway, confirm that these records go too (force=true).",
            code="PERSON_HAS_RECORDS",
        )
    full_name = person.full_name
    erased = erase_templates(session, person_id=person_id)  # gallery versions, review crops
    erased_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="person_deleted",
        subject=f"person:{person_id}",
        detail={
            "person_id": person_id,
            "full_name": full_name,
            "code": person.code,
            "force": force,
            "records": asdict(records),
            "templates_erased": erased,
            "erased_at": erased_at.isoformat(),
        },
    )
    # Which documents they read, and when: said outright, not left to the cascade.
    session.execute(
        delete(DocumentRead)
        .where(DocumentRead.person_id == person_id)
        .execution_options(synchronize_session=False)
    )
    # The database's cascades take their roster entries, events, ballots and the rest.
    session.execute(delete(Person).where(Person.id == person_id))
    session.expunge(person)
    session.flush()
    forget_after_commit(session)
    logger.info("person %d deleted (force=%s)", person_id, force)
    return PersonDeleted(
        person_id=person_id, full_name=full_name, records=records, erased_at=erased_at
    )


def refuse_while_they_may_vote(session: Session, person: Person) -> None:
    """Who may vote is fixed while a poll is open (its base and quorum count them at close):
    not while a poll is open in a meeting where this person is a voting member, or one they
    voted in (or cast a ballot in for someone), even forced. A secret ballot names nobody and
    stays sealed, so deleting them then would leave more ballots than voters."""
    member = (
        select(Poll.title)
        .join(Participant, Participant.meeting_id == Poll.meeting_id)
        .where(
            Poll.state == "open",
            Participant.person_id == person.id,
            Participant.voting_rights.is_(True),
        )
    )
    voted = (
        select(Poll.title)
        .join(BallotRecord, BallotRecord.poll_id == Poll.id)
        .where(
            Poll.state == "open",
            or_(BallotRecord.person_id == person.id, BallotRecord.cast_by_id == person.id),
        )
    )
    polls = sorted(set(session.scalars(member)) | set(session.scalars(voted)))
    if polls:
        titles = ", ".join(polls)
        raise Conflict(
            f"{person.full_name} có quyền biểu quyết trong biểu quyết đang mở ({titles}): "
            "người được biểu quyết không thay đổi cho đến khi biểu quyết kết thúc; hãy xóa "
            f"sau đó. {person.full_name} may vote in a poll that is still open ({titles}): "
            "who may vote cannot change until it closes; delete them afterwards.",
            code="PERSON_IN_OPEN_POLL",
        )
