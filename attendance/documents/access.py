"""Who may read which document, and the record of every read.

Staff reach a meeting's documents by their role (the route asked the permission table); a
delegate's voting link opens its own meeting's documents (members-only and public), current
version only; a board link its meeting's public documents only. A document a link may not see
is answered as missing, so a link cannot learn what else the meeting holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import permissions as kinds
from attendance.documents.tables import (
    PUBLIC,
    VIA_BOARD,
    VIA_STAFF,
    VIA_VOTING_LINK,
    DocumentRead,
    DocumentVersion,
    MeetingDocument,
)
from attendance.documents.views import DocumentView, get_document, missing, view_of
from attendance.errors import Forbidden, NotFound
from attendance.meetings import get_meeting
from attendance.orm import Person
from attendance.permissions import Principal


@dataclass(frozen=True)
class ReadView:
    document_id: int
    person_id: int | None
    name: str | None  # the delegate's name, None for staff and the board
    actor: str
    via: str
    what: str
    version: int
    at: datetime


def readable(
    session: Session,
    principal: Principal,
    *,
    meeting_id: int,
    document_id: int,
    version: int | None = None,
) -> DocumentView:
    """The document (with `version` as its current one, for staff) if this principal may read
    it; NotFound otherwise, as for one that does not exist."""
    if principal.kind in (kinds.VOTING_LINK, kinds.BOARD_LINK):
        if principal.meeting_id != meeting_id:
            raise missing(meeting_id, document_id)
    elif principal.kind == kinds.KIOSK_TOKEN:
        raise missing(meeting_id, document_id)
    get_meeting(session, meeting_id=meeting_id)
    document = get_document(session, meeting_id=meeting_id, document_id=document_id)
    if principal.kind == kinds.BOARD_LINK and document.visibility != PUBLIC:
        raise missing(meeting_id, document_id)
    view = view_of(session, document)
    if version is None or version == view.version.number:
        return view
    if principal.kind in (kinds.VOTING_LINK, kinds.BOARD_LINK):
        raise Forbidden(
            "Chỉ cán bộ quản lý cuộc họp xem được các phiên bản trước của tài liệu. "
            "Only the meeting's staff can read a document's earlier versions.",
            code="FORBIDDEN",
        )
    for earlier in view.versions:
        if earlier.number == version:
            return DocumentView(document, earlier, view.versions, view.agenda_item_title)
    raise NotFound(
        f"Tài liệu {document_id} không có phiên bản {version}. "
        f"Document {document_id} has no version {version}."
    )


def record_read(session: Session, principal: Principal, view: DocumentView, *, what: str) -> None:
    """One read of `view.version`: who, how they came, what they read, when (now)."""
    person_id = principal.voter.person_id if principal.voter is not None else None
    if principal.kind == kinds.VOTING_LINK:
        via = VIA_VOTING_LINK
    elif principal.kind == kinds.BOARD_LINK:
        via = VIA_BOARD
    else:
        via = VIA_STAFF
    session.add(
        DocumentRead(
            meeting_id=view.document.meeting_id,
            document_id=view.document.id,
            version_id=view.version.id,
            person_id=person_id,
            actor=principal.actor[:100],
            via=via,
            what=what,
        )
    )
    session.flush()


def reads(session: Session, *, meeting_id: int, document_id: int | None = None) -> list[ReadView]:
    """Every read of the meeting's documents (of one, when given), newest first."""
    get_meeting(session, meeting_id=meeting_id)
    if document_id is not None:
        get_document(session, meeting_id=meeting_id, document_id=document_id)
    query = (
        select(DocumentRead, DocumentVersion.number, Person.full_name)
        .join(DocumentVersion, DocumentVersion.id == DocumentRead.version_id)
        .join(MeetingDocument, MeetingDocument.id == DocumentRead.document_id)
        .outerjoin(Person, Person.id == DocumentRead.person_id)
        .where(DocumentRead.meeting_id == meeting_id)
        .order_by(DocumentRead.at.desc(), DocumentRead.id.desc())
    )
    if document_id is not None:
        query = query.where(DocumentRead.document_id == document_id)
    return [
        ReadView(
            document_id=read.document_id,
            person_id=read.person_id,
            name=name,
            actor=read.actor,
            via=read.via,
            what=read.what,
            version=number,
            at=read.at,
        )
        for read, number, name in session.execute(query)
    ]
