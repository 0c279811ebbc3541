"""An upload's checks before anything is written (its kind by content, its size, the meeting's
room) and its keeping: the file into the folder first, then the version's row."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.documents.content import KINDS, clean_filename, sniff
from attendance.documents.store import DocumentStore, keep_after_commit
from attendance.documents.tables import DocumentVersion, MeetingDocument
from attendance.errors import Invalid
from attendance.settings import DocumentSettings

MIB = 1024 * 1024

logger = logging.getLogger(__name__)


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
    if found.kind == "pdf":
        check_page_shapes(upload.data)
    return Checked(
        filename=clean_filename(upload.filename, kind=found.kind),
        kind=found.kind,
        size=size,
        pages=found.pages,
    )


def check_page_shapes(data: bytes) -> None:
    """Invalid (DOCUMENT_BROKEN) for a PDF with a page of absurd shape (pages.drawable: a
    sliver 0.000001 pt wide), which no one can read and which would cost the page viewer
    gigabytes to draw. pypdf reads only each page's box here, not its content."""
    from pypdf import PdfReader  # as content.sniff: imported only when a PDF comes
    from pypdf.errors import PyPdfError

    # The viewer's rule (pages.py loads PDFium and numpy: only when a PDF comes, too).
    from attendance.documents.pages import MAX_ASPECT, MIN_SIDE, drawable

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        boxes = [
            (number, abs(float(page.cropbox.width)), abs(float(page.cropbox.height)))
            for number, page in enumerate(reader.pages, 1)
        ]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        # sniff read this file: a box pypdf cannot read here is left to the viewer, which
        # checks the shape PDFium finds before drawing.
        logger.warning("the page boxes of a PDF could not be read: %s", exc)
        return
    for number, width, height in boxes:
        if not drawable(width, height):
            size = f"{_points(width)} × {_points(height)}"
            raise Invalid(
                f"Trang {number} của tệp PDF có khổ bất thường ({size} điểm): "
                f"mỗi cạnh cần từ {MIN_SIDE:g} điểm, cạnh dài không quá {MAX_ASPECT:g} lần "
                "cạnh ngắn. Hãy in lại tệp ra PDF khổ thường (A4) rồi tải lên. "
                f"Page {number} of this PDF has an absurd size ({size} pt): "
                f"each side must be at least {MIN_SIDE:g} pt and the long side at most "
                f"{MAX_ASPECT:g} times the short one. Print it again to a PDF of a usual size "
                "(A4) and upload that.",
                code="DOCUMENT_BROKEN",
            )


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


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
