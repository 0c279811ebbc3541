"""The rows of a meeting's documents (0021). The files themselves lie in the documents folder
(settings.documents_dir), each named by the SHA-256 of its bytes (attendance/documents/store.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from attendance.orm import Base, UTCDateTime, utcnow

MEMBERS = "members"  # the meeting's staff and its delegates (through their voting link)
PUBLIC = "public"  # also the room's board
VISIBILITIES = (MEMBERS, PUBLIC)

# What a read was, and how its reader came.
FILE = "file"  # the file itself (a download, or a PDF opened in the browser)
VIEW = "view"  # a PDF's pages shown as images on the phone page
VIA_STAFF = "staff"
VIA_VOTING_LINK = "voting_link"
VIA_BOARD = "board"


class MeetingDocument(Base):
    __tablename__ = "meeting_documents"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    # None: the meeting as a whole. An item removed leaves its documents on the meeting.
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer)
    visibility: Mapped[str] = mapped_column(String(16), default=MEMBERS)
    # Each delegate's copy of this PDF carries their name and the time on every page.
    watermark: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class DocumentVersion(Base):
    """One upload of a document; the highest number is the one shown."""

    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_document_version_number"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("meeting_documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded, Vietnamese kept
    kind: Mapped[str] = mapped_column(String(16))  # pdf, docx, xlsx, jpeg, png: by content
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pages: Mapped[int | None] = mapped_column(Integer)  # a PDF's
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(100))


class DocumentRead(Base):
    """Who read which version of a document, when, and how (every delegate's read is kept)."""

    __tablename__ = "document_reads"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_documents.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(100))  # the principal's name, as in the audit log
    via: Mapped[str] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
