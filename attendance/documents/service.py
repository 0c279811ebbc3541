"""A meeting's documents: upload (typed by content, within the limits), new versions, titles,
order, visibility, removal; and who may read which (attendance/documents/access.py).

The file is kept in the documents folder before its row is flushed, so a committed row always
finds its file; a refused upload writes neither. Removal unlinks the files only once the
deleting transaction commits (store.erase_after_commit)."""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.agenda import get_agenda_item
from attendance.db import forget_after_commit
from attendance.documents.access import ReadView, readable, reads, record_read
from attendance.documents.content import KINDS
from attendance.documents.store import DocumentStore, erase_after_commit
from attendance.documents.tables import (
    MEMBERS,
    PUBLIC,
    VISIBILITIES,
    DocumentRead,
    DocumentVersion,
    MeetingDocument,
)
from attendance.documents.uploads import (
    Upload,
    check_meeting_room,
    checked_version,
    keep,
    too_large,
)
from attendance.documents.views import (
    SEEN_BY,
    DocumentView,
    get_document,
    view_of,
    views_of,
)
from attendance.errors import Invalid
from attendance.meetings import get_meeting, lock_meeting
from attendance.settings import DocumentSettings
from attendance.text import clean_text

__all__ = [
    "KINDS",
    "UNSET",
    "DocumentView",
    "ReadView",
    "Upload",
    "add_document",
    "add_version",
    "delete_document",
    "documents",
    "readable",
    "reads",
    "record_read",
    "reorder",
    "too_large",
    "update_document",
]

logger = logging.getLogger(__name__)

MAX_TITLE = 300  # the column's size


class _Unset(Enum):
    UNSET = "unset"


UNSET = _Unset.UNSET  # "leave it as it is", where None means "none" (agenda_item_id)


def add_document(
    session: Session,
    store: DocumentStore,
    limits: DocumentSettings,
    *,
    meeting_id: int,
    title: str,
    upload: Upload,
    actor: str,
    agenda_item_id: int | None = None,
    visibility: str = MEMBERS,
    watermark: bool = False,
) -> DocumentView:
    """A new document with its first version, last in the meeting's order. An empty `title`:
    the cleaned file name without its extension."""
    get_meeting(session, meeting_id=meeting_id)
    title = _title(title) if title.strip() else ""
    _check_visibility(visibility)
    _check_public_watermark(visibility=visibility, watermark=watermark)
    if agenda_item_id is not None:
        get_agenda_item(session, meeting_id=meeting_id, item_id=agenda_item_id)
    version = checked_version(upload, limits)
    title = title or title_of(version.filename)
    lock_meeting(session, meeting_id=meeting_id)  # two uploads at once: one limit, one order
    check_meeting_room(session, limits, meeting_id=meeting_id, size=version.size)
    last = session.scalar(
        select(func.max(MeetingDocument.position)).where(MeetingDocument.meeting_id == meeting_id)
    )
    document = MeetingDocument(
        meeting_id=meeting_id,
        agenda_item_id=agenda_item_id,
        title=title,
        position=(last or 0) + 1,
        visibility=visibility,
        watermark=watermark,
        created_by=actor[:100],
    )
    session.add(document)
    session.flush()
    kept = keep(session, store, document, version, upload.data, number=1, actor=actor)
    audit.record(
        session,
        actor=actor,
        action="document_uploaded",
        meeting_id=meeting_id,
        subject=f"document:{document.id}",
        detail={
            "title": title,
            "filename": version.filename,
            "kind": version.kind,
            "size": version.size,
            "sha256": kept.sha256,
            "visibility": visibility,
            "watermark": watermark,
            "agenda_item_id": agenda_item_id,
        },
    )
    return view_of(session, document)


def add_version(
    session: Session,
    store: DocumentStore,
    limits: DocumentSettings,
    *,
    meeting_id: int,
    document_id: int,
    upload: Upload,
    actor: str,
) -> DocumentView:
    """A new version becomes the one shown; the earlier ones stay, for staff."""
    get_meeting(session, meeting_id=meeting_id)
    document = get_document(session, meeting_id=meeting_id, document_id=document_id)
    version = checked_version(upload, limits)
    lock_meeting(session, meeting_id=meeting_id)
    check_meeting_room(session, limits, meeting_id=meeting_id, size=version.size)
    last = session.scalar(
        select(func.max(DocumentVersion.number)).where(DocumentVersion.document_id == document.id)
    )
    number = (last or 0) + 1
    kept = keep(session, store, document, version, upload.data, number=number, actor=actor)
    audit.record(
        session,
        actor=actor,
        action="document_version_added",
        meeting_id=meeting_id,
        subject=f"document:{document.id}",
        detail={
            "title": document.title,
            "number": number,
            "filename": version.filename,
            "kind": version.kind,
            "size": version.size,
            "sha256": kept.sha256,
        },
    )
    return view_of(session, document)


def update_document(
    session: Session,
    *,
    meeting_id: int,
    document_id: int,
    actor: str,
    title: str | None = None,
    agenda_item_id: int | _Unset | None = UNSET,
    visibility: str | None = None,
    watermark: bool | None = None,
) -> DocumentView:
    """Change what is given; `agenda_item_id=None` moves it to the meeting as a whole."""
    get_meeting(session, meeting_id=meeting_id)
    document = get_document(session, meeting_id=meeting_id, document_id=document_id)
    _check_public_watermark(
        visibility=document.visibility if visibility is None else visibility,
        watermark=document.watermark if watermark is None else watermark,
    )
    changed: dict[str, object] = {}
    if title is not None and _title(title) != document.title:
        document.title = changed["title"] = _title(title)
    if agenda_item_id is not UNSET and agenda_item_id != document.agenda_item_id:
        if agenda_item_id is not None:
            get_agenda_item(session, meeting_id=meeting_id, item_id=agenda_item_id)
        document.agenda_item_id = changed["agenda_item_id"] = agenda_item_id
    if visibility is not None and visibility != document.visibility:
        _check_visibility(visibility)
        document.visibility = changed["visibility"] = visibility
    if watermark is not None and watermark != document.watermark:
        document.watermark = changed["watermark"] = watermark
    if changed:
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="document_updated",
            meeting_id=meeting_id,
            subject=f"document:{document.id}",
            detail={"title": document.title, "changed": changed},
        )
    return view_of(session, document)


def reorder(
    session: Session, *, meeting_id: int, document_ids: list[int], actor: str
) -> list[DocumentView]:
    """The meeting's documents in this order: every one of them, each once."""
    get_meeting(session, meeting_id=meeting_id)
    lock_meeting(session, meeting_id=meeting_id)
    rows = _ordered(session, meeting_id)
    present = {row.id for row in rows}
    if len(document_ids) != len(set(document_ids)) or set(document_ids) != present:
        raise Invalid(
            "Thứ tự mới phải liệt kê mỗi tài liệu của cuộc họp đúng một lần "
            f"(hiện có: {sorted(present)}). The new order must list each of the meeting's "
            f"documents exactly once (there are: {sorted(present)}).",
            code="INVALID",
        )
    by_id = {row.id: row for row in rows}
    for position, document_id in enumerate(document_ids, start=1):
        by_id[document_id].position = position
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="documents_reordered",
        meeting_id=meeting_id,
        subject=f"meeting:{meeting_id}",
        detail={"order": document_ids},
    )
    return views_of(session, [by_id[i] for i in document_ids])


def delete_document(
    session: Session, root: Path, *, meeting_id: int, document_id: int, actor: str
) -> None:
    """The document, every version and every read of it; its files leave the folder once this
    commits (unless another document holds the same file)."""
    get_meeting(session, meeting_id=meeting_id)
    document = get_document(session, meeting_id=meeting_id, document_id=document_id)
    versions = list(
        session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == document.id))
    )
    hashes = {version.sha256 for version in versions}
    title = document.title
    for read in session.scalars(
        select(DocumentRead).where(DocumentRead.document_id == document.id)
    ):
        session.delete(read)
    session.flush()
    for version in versions:
        session.delete(version)
    session.flush()
    session.delete(document)
    session.flush()
    erase_after_commit(session, root, hashes)
    # Who read it was in these rows: gone from the database's logs too (SQLite's WAL).
    forget_after_commit(session)
    audit.record(
        session,
        actor=actor,
        action="document_deleted",
        meeting_id=meeting_id,
        subject=f"document:{document_id}",
        detail={"title": title, "versions": len(versions)},
    )


def documents(session: Session, *, meeting_id: int, audience: str) -> list[DocumentView]:
    """The meeting's documents in their order, those this audience may see ("staff": all,
    "member": members-only and public, "public": public only)."""
    get_meeting(session, meeting_id=meeting_id)
    seen = SEEN_BY[audience]
    return views_of(
        session, [row for row in _ordered(session, meeting_id) if row.visibility in seen]
    )


def _ordered(session: Session, meeting_id: int) -> list[MeetingDocument]:
    return list(
        session.scalars(
            select(MeetingDocument)
            .where(MeetingDocument.meeting_id == meeting_id)
            .order_by(MeetingDocument.position, MeetingDocument.id)
        )
    )


def _title(title: str) -> str:
    cleaned = clean_text(title, field="title")
    if not cleaned:
        raise Invalid("Tài liệu cần có tên. The document needs a title.", code="INVALID")
    if len(cleaned) > MAX_TITLE:
        raise Invalid(
            f"Tên tài liệu dài quá {MAX_TITLE} ký tự. The title is longer than {MAX_TITLE} "
            "characters.",
            code="INVALID",
        )
    return cleaned


def title_of(filename: str) -> str:
    """A title from a cleaned file name (no path parts, no invisible characters): without its
    extension, shortened to the title's limit."""
    stem, dot, _ = filename.rpartition(".")
    title = " ".join((stem if dot and stem else filename).split())
    return title[:MAX_TITLE].rstrip() or "Tài liệu"


def _check_public_watermark(*, visibility: str, watermark: bool) -> None:
    """The board gets a public document as it was kept, with no name to stamp: a public
    document with a watermark would go out unstamped, so the two are not allowed together."""
    if visibility == PUBLIC and watermark:
        raise Invalid(
            "Tài liệu công khai (hiện trên màn hình phòng họp) không thể đóng dấu tên người "
            "đọc: màn hình phòng họp nhận bản gốc không dấu. Hãy bỏ đóng dấu, hoặc để tài liệu "
            "ở phạm vi 'members' (chỉ thành viên cuộc họp). A public document (shown on the "
            "room's board) cannot be watermarked: the board gets the original, unstamped. "
            "Turn the watermark off, or keep the document 'members' only.",
            code="INVALID",
        )


def _check_visibility(visibility: str) -> None:
    if visibility not in VISIBILITIES:
        raise Invalid(
            f"Phạm vi '{visibility[:40]}' không hợp lệ: chọn 'members' (chỉ thành viên cuộc "
            "họp) hoặc 'public' (cả màn hình phòng họp). Visibility must be 'members' (the "
            "meeting's members only) or 'public' (the room's board too).",
            code="INVALID",
        )
