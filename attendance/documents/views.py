"""A document as it is shown: its row, its current version, every version, and its agenda item's
title; read in a few queries for a whole meeting."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.documents.tables import MEMBERS, PUBLIC, DocumentVersion, MeetingDocument
from attendance.errors import NotFound
from attendance.orm import MAX_ID, AgendaItem

STAFF = "staff"  # every document
MEMBER = "member"  # a delegate: members-only and public ones
AUDIENCE_PUBLIC = "public"  # the room's board: public ones only
SEEN_BY: dict[str, tuple[str, ...]] = {
    STAFF: (MEMBERS, PUBLIC),
    MEMBER: (MEMBERS, PUBLIC),
    AUDIENCE_PUBLIC: (PUBLIC,),
}


@dataclass(frozen=True)
class DocumentView:
    document: MeetingDocument
    version: DocumentVersion  # the current one: the highest number
    versions: list[DocumentVersion]  # newest first; all of them
    agenda_item_title: str | None


def missing(meeting_id: int, document_id: int) -> NotFound:
    return NotFound(
        f"Cuộc họp {meeting_id} không có tài liệu số {document_id}. "
        f"Meeting {meeting_id} has no document {document_id}."
    )


def get_document(session: Session, *, meeting_id: int, document_id: int) -> MeetingDocument:
    document = session.get(MeetingDocument, document_id) if 0 < document_id <= MAX_ID else None
    if document is None or document.meeting_id != meeting_id:
        raise missing(meeting_id, document_id)
    return document


def view_of(session: Session, document: MeetingDocument) -> DocumentView:
    [view] = views_of(session, [document])
    return view


def views_of(session: Session, rows: Sequence[MeetingDocument]) -> list[DocumentView]:
    """Each document with its versions and its item's title, in the order given."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    versions: dict[int, list[DocumentVersion]] = defaultdict(list)
    for version in session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id.in_(ids))
        .order_by(DocumentVersion.document_id, DocumentVersion.number.desc())
    ):
        versions[version.document_id].append(version)
    item_ids = {row.agenda_item_id for row in rows if row.agenda_item_id is not None}
    titles: dict[int, str] = {}
    if item_ids:
        found = session.execute(
            select(AgendaItem.id, AgendaItem.title).where(AgendaItem.id.in_(item_ids))
        )
        titles = {item_id: title for item_id, title in found}
    views = []
    for row in rows:
        kept = versions[row.id]
        if not kept:  # never committed so: a document is made with its first version
            raise missing(row.meeting_id, row.id)
        title = titles.get(row.agenda_item_id) if row.agenda_item_id is not None else None
        views.append(DocumentView(row, kept[0], kept, title))
    return views
