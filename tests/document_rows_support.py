"""Meetings with documents written the way the documents service keeps them (the file in the
documents folder, then its rows), for the tests of backups, sweeping and erasure."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from attendance.documents.store import DocumentStore
from attendance.documents.tables import MEMBERS, DocumentVersion, MeetingDocument
from attendance.meetings import create_meeting

STARTS = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)


def meeting(session: Session, title: str = "Họp giao ban quận Long Biên") -> int:
    made = create_meeting(
        session, title=title, starts_at=STARTS, ends_at=STARTS + timedelta(hours=2)
    )
    return made.id


def add_document(
    session: Session,
    root: Path,
    *,
    meeting_id: int,
    title: str,
    data: bytes,
    filename: str = "Tờ trình số 12.pdf",
    visibility: str = MEMBERS,
) -> tuple[int, str]:
    """A document with one version: (its id, its file's SHA-256)."""
    sha256 = DocumentStore(root).put(data)
    position = session.query(MeetingDocument).filter_by(meeting_id=meeting_id).count() + 1
    document = MeetingDocument(
        meeting_id=meeting_id,
        title=title,
        position=position,
        visibility=visibility,
        created_by="Thư ký Lê",
    )
    session.add(document)
    session.flush()
    add_version(session, root, document_id=document.id, data=data, filename=filename)
    return document.id, sha256


def add_version(
    session: Session, root: Path, *, document_id: int, data: bytes, filename: str
) -> str:
    sha256 = DocumentStore(root).put(data)
    number = session.query(DocumentVersion).filter_by(document_id=document_id).count() + 1
    session.add(
        DocumentVersion(
            document_id=document_id,
            number=number,
            filename=filename,
            kind="pdf",
            media_type="application/pdf",
            size=len(data),
            sha256=sha256,
            pages=1,
            uploaded_by="Thư ký Lê",
        )
    )
    session.flush()
    return sha256
