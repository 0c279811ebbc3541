"""Deleting a meeting with everything that belongs to it; the audit log keeps a line of it."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.class_photo.tables import ClassPhoto
from attendance.db import forget_after_commit
from attendance.documents.store import erase_after_commit
from attendance.documents.tables import DocumentRead, DocumentVersion, MeetingDocument
from attendance.errors import Conflict
from attendance.meetings import get_meeting, lock_meeting
from attendance.notices.tables import AgendaConclusion, ConclusionNotice
from attendance.orm import AgendaItem, AttendanceEvent, BoardLink, Participant
from attendance.review.tables import ReviewItem
from attendance.voting.tables import (
    BallotRecord,
    NamedChoice,
    Opinion,
    Poll,
    PollOption,
    Proxy,
    SecretBallot,
    SecretCount,
    VotingPass,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeetingContents:
    """What deleting a meeting takes with it, counted (the page's confirmation names it)."""

    participants: int
    events: int  # arrivals, returns and check-outs
    polls: int
    ballots: int
    opinions: int
    proxies: int
    voting_passes: int
    board_links: int
    review_items: int  # with their face crops
    agenda_items: int
    open_polls: tuple[str, ...]  # titles of the polls still open
    documents: int = 0  # with every version's file and every record of who read them


def meeting_contents(session: Session, *, meeting_id: int) -> MeetingContents:
    get_meeting(session, meeting_id=meeting_id)
    polls = select(Poll.id).where(Poll.meeting_id == meeting_id).scalar_subquery()

    def count(statement: Select[int]) -> int:
        return int(session.scalar(statement) or 0)

    def rows(table: type, where: ColumnElement[bool]) -> int:
        return count(select(func.count()).select_from(table).where(where))

    open_polls = session.scalars(
        select(Poll.title).where(Poll.meeting_id == meeting_id, Poll.state == "open")
    )
    return MeetingContents(
        participants=rows(Participant, Participant.meeting_id == meeting_id),
        events=rows(AttendanceEvent, AttendanceEvent.meeting_id == meeting_id),
        polls=rows(Poll, Poll.meeting_id == meeting_id),
        ballots=rows(BallotRecord, BallotRecord.poll_id.in_(polls)),
        opinions=rows(Opinion, Opinion.meeting_id == meeting_id),
        proxies=rows(Proxy, Proxy.meeting_id == meeting_id),
        voting_passes=rows(VotingPass, VotingPass.meeting_id == meeting_id),
        board_links=rows(BoardLink, BoardLink.meeting_id == meeting_id),
        review_items=rows(ReviewItem, ReviewItem.meeting_id == meeting_id),
        agenda_items=rows(AgendaItem, AgendaItem.meeting_id == meeting_id),
        open_polls=tuple(open_polls),
        documents=rows(MeetingDocument, MeetingDocument.meeting_id == meeting_id),
    )


def delete_meeting(
    session: Session,
    *,
    meeting_id: int,
    actor: str,
    discard_open_polls: bool = False,
    documents_root: Path | None = None,
) -> MeetingContents:
    """Delete the meeting, its roster, check-ins, polls, ballots, opinions, proxies, voting
    and board links, review items (face crops), agenda, documents (who read them, and their
    files in `documents_root` once this commits; None leaves the files to the hourly sweep)
    and conclusion notice. A meeting with a poll still open is refused unless
    `discard_open_polls`: those ballots are lost, never counted. People and their face data
    stay; the audit log keeps what was done to the meeting, and this."""
    meeting = get_meeting(session, meeting_id=meeting_id)
    lock_meeting(session, meeting_id=meeting_id)  # a poll opening or a ballot meanwhile is seen
    contents = meeting_contents(session, meeting_id=meeting_id)
    if contents.open_polls and not discard_open_polls:
        titles = ", ".join(f"'{t}'" for t in contents.open_polls)
        raise Conflict(
            f"Cuộc họp còn biểu quyết đang mở ({titles}): hãy kết thúc biểu quyết trước, hoặc "
            f"xác nhận bỏ các phiếu chưa kiểm. The meeting has a poll still open ({titles}): "
            "close it first, or confirm that its uncounted ballots are discarded "
            "(discard_open_polls).",
            code="POLL_OPEN",
        )
    title = meeting.title
    # Children before parents, so nothing relies on the database's cascades (and nothing
    # is left if a table's cascade was ever missed).
    polls = select(Poll.id).where(Poll.meeting_id == meeting_id).scalar_subquery()
    voters = select(BallotRecord.id).where(BallotRecord.poll_id.in_(polls)).scalar_subquery()
    documents = select(MeetingDocument.id).where(MeetingDocument.meeting_id == meeting_id)
    files = set(
        session.scalars(
            select(DocumentVersion.sha256).where(DocumentVersion.document_id.in_(documents))
        )
    )
    for statement in (
        delete(DocumentRead).where(DocumentRead.meeting_id == meeting_id),
        delete(DocumentVersion).where(DocumentVersion.document_id.in_(documents.scalar_subquery())),
        delete(MeetingDocument).where(MeetingDocument.meeting_id == meeting_id),
        delete(AgendaConclusion).where(AgendaConclusion.meeting_id == meeting_id),
        delete(ConclusionNotice).where(ConclusionNotice.meeting_id == meeting_id),
        delete(NamedChoice).where(NamedChoice.voter_id.in_(voters)),
        delete(SecretBallot).where(SecretBallot.poll_id.in_(polls)),
        delete(SecretCount).where(SecretCount.poll_id.in_(polls)),
        delete(BallotRecord).where(BallotRecord.poll_id.in_(polls)),
        delete(Opinion).where(Opinion.meeting_id == meeting_id),
        delete(PollOption).where(PollOption.poll_id.in_(polls)),
        delete(Poll).where(Poll.meeting_id == meeting_id),
        delete(Proxy).where(Proxy.meeting_id == meeting_id),
        delete(VotingPass).where(VotingPass.meeting_id == meeting_id),
        delete(ReviewItem).where(ReviewItem.meeting_id == meeting_id),
        delete(ClassPhoto).where(ClassPhoto.meeting_id == meeting_id),
        delete(BoardLink).where(BoardLink.meeting_id == meeting_id),
        delete(AgendaItem).where(AgendaItem.meeting_id == meeting_id),
        delete(AttendanceEvent).where(AttendanceEvent.meeting_id == meeting_id),
        delete(Participant).where(Participant.meeting_id == meeting_id),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
    session.delete(meeting)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="meeting_deleted",
        meeting_id=meeting_id,
        subject=f"meeting:{meeting_id}",
        detail={"title": title, **asdict(contents)},
    )
    # Face crops, sealed ballots, documents' titles and who read them were in these rows:
    # gone from the logs too, not only from the tables; the files leave the folder.
    forget_after_commit(session)
    if documents_root is not None and files:
        erase_after_commit(session, documents_root, files)
    logger.info("meeting %s deleted by request", meeting_id)
    return contents
