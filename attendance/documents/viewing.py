"""What the phone page's viewer draws a document's page from, and the record of a delegate
(or the board) viewing it: once per version per ten minutes, not once per page image."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import permissions as kinds
from attendance.documents.service import readable, record_read
from attendance.documents.tables import VIEW, DocumentRead
from attendance.documents.views import DocumentView
from attendance.documents.watermark import stamp_lines
from attendance.errors import NotFound
from attendance.orm import Person, utcnow
from attendance.permissions import Principal

# A delegate leafing through a 40-page PDF asks for 40 images: that is one reading, not 40.
# Within this long after their last recorded view of the same version, another is not
# recorded; the file itself (a download) is recorded every time by the file route.
VIEW_RECORD_EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class PageSource:
    """The stored file to draw a page of, and the stamp a delegate's copy carries."""

    sha256: str
    pages: int
    stamp: list[str] | None  # None: drawn as stored (staff, the board, no watermark)


def page_source(
    session: Session,
    principal: Principal,
    *,
    meeting_id: int,
    document_id: int,
    number: int,
    zone: str,
    now: datetime | None = None,
) -> PageSource:
    """The current version of a document this principal may read (service.readable's rule),
    if it is a PDF with page `number`; a delegate's view recorded (VIEW_RECORD_EVERY).
    NotFound (DOCUMENT_PAGE_NOT_FOUND) for a page it does not have, or a file not a PDF."""
    now = now or utcnow()
    view = readable(session, principal, meeting_id=meeting_id, document_id=document_id)
    version = view.version
    if version.kind != "pdf" or not version.pages:
        raise NotFound(
            f"Tài liệu {document_id} là tệp {version.kind.upper()}, không xem được từng trang; "
            f"hãy tải tệp về. Document {document_id} is a {version.kind.upper()} file, not a "
            "PDF: it has no pages to show; download the file instead.",
            code="DOCUMENT_PAGE_NOT_FOUND",
        )
    if not 1 <= number <= version.pages:
        raise NotFound(
            f"Tài liệu có {version.pages} trang, không có trang {number}. "
            f"The document has {version.pages} pages; there is no page {number}.",
            code="DOCUMENT_PAGE_NOT_FOUND",
        )
    lines = None
    voter = principal.voter if principal.kind == kinds.VOTING_LINK else None
    if voter is not None and view.document.watermark:
        person = session.get(Person, voter.person_id)
        name = person.full_name if person is not None else principal.actor
        lines = stamp_lines(name, voter.person_id, now, zone=zone)
    if principal.kind in (kinds.VOTING_LINK, kinds.BOARD_LINK):
        # Staff reading are not recorded (as for the file itself): the audit log has theirs.
        record_view(session, principal, view, now=now)
    return PageSource(sha256=version.sha256, pages=version.pages, stamp=lines)


def record_view(
    session: Session, principal: Principal, view: DocumentView, *, now: datetime
) -> bool:
    """Record that a delegate (or the board) is viewing this version, unless they were
    recorded viewing it within VIEW_RECORD_EVERY; whether it was recorded. Two first pages
    asked for at the same instant may both be recorded: a duplicate line in the reads, never
    a missing one."""
    recent = session.scalar(
        select(DocumentRead.id)
        .where(
            DocumentRead.document_id == view.document.id,  # indexed
            DocumentRead.version_id == view.version.id,
            DocumentRead.actor == principal.actor[:100],  # as record_read writes it
            DocumentRead.what == VIEW,
            DocumentRead.at > now - VIEW_RECORD_EVERY,
        )
        .limit(1)
    )
    if recent is not None:
        return False
    record_read(session, principal, view, what=VIEW)
    return True
