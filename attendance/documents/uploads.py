"""An upload's checks before anything is written (its kind by content, its size, the meeting's
room) and its keeping: the file into the folder first, then the version's row."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.documents.content import KINDS, clean_filename, sniff
from attendance.documents.store import DocumentStore, keep_after_commit
from attendance.documents.tables import DocumentVersion, MeetingDocument
from attendance.errors import Invalid
from attendance.settings import DocumentSettings

MIB = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    filename: str
    kind: str
    size: int
    pages: int | None


def checked_version(upload: Upload, limits: DocumentSettings) -> Checked:
    size = len(upload.data)
    if size > limits.max_file_mb * MIB:
        raise too_large(size, limits)
    found = sniff(upload.data, max_pdf_pages=limits.max_pdf_pages)
    return Checked(
        filename=clean_filename(upload.filename, kind=found.kind),
        kind=found.kind,
        size=size,
        pages=found.pages,
    )


def too_large(size: int | None, limits: DocumentSettings) -> Invalid:
    """A file over the per-file limit (`size` None: not known yet, the body was too long)."""
    got = f" ({size / MIB:.1f} MB)" if size is not None else ""
    return Invalid(
        f"Tệp quá lớn{got}: mỗi tệp tối đa {limits.max_file_mb} MB. Hãy nén hoặc tách tệp. "
        f"The file is too large{got}: at most {limits.max_file_mb} MB per file. Compress it "
        "or split it.",
        code="DOCUMENT_TOO_LARGE",
    )


def check_meeting_room(
    session: Session, limits: DocumentSettings, *, meeting_id: int, size: int
) -> None:
    """Every version of every document of the meeting counts, the earlier ones too."""
    used = session.scalar(
        select(func.coalesce(func.sum(DocumentVersion.size), 0))
        .join(MeetingDocument, MeetingDocument.id == DocumentVersion.document_id)
        .where(MeetingDocument.meeting_id == meeting_id)
    )
    used = int(used or 0)
    if used + size > limits.max_meeting_mb * MIB:
        raise Invalid(
            f"Tài liệu của cuộc họp đã dùng {used / MIB:.1f} MB; thêm tệp này "
            f"({size / MIB:.1f} MB) sẽ vượt mức {limits.max_meeting_mb} MB cho một cuộc họp. "
            "Hãy xoá tài liệu hoặc phiên bản cũ không cần nữa. The meeting's documents use "
            f"{used / MIB:.1f} MB; this file ({size / MIB:.1f} MB) would pass the "
            f"{limits.max_meeting_mb} MB a meeting may hold. Remove documents or old versions "
            "no longer needed.",
            code="MEETING_DOCUMENTS_FULL",
        )


def keep(
    session: Session,
    store: DocumentStore,
    document: MeetingDocument,
    checked: Checked,
    data: bytes,
    *,
    number: int,
    actor: str,
) -> DocumentVersion:
    """The file into the folder first, then its row: a committed row always finds its file.
    A flush that fails takes a file this upload brought with it (a rollback later leaves it
    to the sweep)."""
    sha256 = hashlib.sha256(data).hexdigest()
    was_there = store.exists(sha256)
    store.put(data)
    version = DocumentVersion(
        document_id=document.id,
        number=number,
        filename=checked.filename,
        kind=checked.kind,
        media_type=KINDS[checked.kind],
        size=checked.size,
        sha256=sha256,
        pages=checked.pages,
        uploaded_by=actor[:100],
    )
    session.add(version)
    try:
        session.flush()
    except Exception:
        if not was_there:
            store.unlink([sha256])
        raise
    keep_after_commit(session, store.root, sha256, data)
    return version
