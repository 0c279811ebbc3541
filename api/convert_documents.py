"""A document, its versions and its reads as the API shows them."""

from __future__ import annotations

from api.convert import local
from api.schemas_documents import DocumentRead, ReadEntry, VersionRead
from attendance.documents.service import DocumentView, ReadView
from attendance.documents.tables import DocumentVersion
from attendance.exports.service import ascii_slug


def version_read(version: DocumentVersion, zone: str, *, staff: bool = True) -> VersionRead:
    """A link (not `staff`) is not told the file's hash nor who uploaded it (staff's
    usernames)."""
    return VersionRead(
        number=version.number,
        filename=version.filename,
        kind=version.kind,
        media_type=version.media_type,
        size=version.size,
        sha256=version.sha256 if staff else None,
        pages=version.pages,
        uploaded_at=local(version.uploaded_at, zone),
        uploaded_by=version.uploaded_by if staff else None,
    )


def document_read(view: DocumentView, zone: str, *, staff: bool) -> DocumentRead:
    """`staff`: with every version; a link sees the current one only."""
    document = view.document
    return DocumentRead(
        id=document.id,
        meeting_id=document.meeting_id,
        agenda_item_id=document.agenda_item_id,
        agenda_item_title=view.agenda_item_title,
        title=document.title,
        position=document.position,
        visibility=document.visibility,
        watermark=document.watermark,
        version=version_read(view.version, zone, staff=staff),
        versions=[version_read(v, zone) for v in view.versions] if staff else [],
    )


def read_entry(read: ReadView, zone: str) -> ReadEntry:
    return ReadEntry(
        document_id=read.document_id,
        person_id=read.person_id,
        name=read.name,
        actor=read.actor,
        via=read.via,
        what=read.what,
        version=read.version,
        at=local(read.at, zone),
    )


def download_name(filename: str) -> str:
    """The ASCII name old clients save under: 'Báo cáo quý.pdf' -> 'bao-cao-quy.pdf'."""
    stem, dot, extension = filename.rpartition(".")
    if not dot or not stem:
        return ascii_slug(filename)
    return f"{ascii_slug(stem)}.{ascii_slug(extension)}"
