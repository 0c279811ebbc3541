"""SQLAlchemy ORM tables of the domain."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Ids are Integer columns: 32-bit in PostgreSQL, and SQLite refuses anything past 64 bits.
# A larger id names nobody, and must be answered as unknown, not sent to the database.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (SQLite has no time zones); always returned time-zone aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    search_name: Mapped[str] = mapped_column(String(200), index=True)
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    unit: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    templates: Mapped[list[FaceTemplate]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )


class FaceTemplate(Base):
    __tablename__ = "face_templates"
    __table_args__ = (
        UniqueConstraint("person_id", "model_key", "photo_sha256"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    model_key: Mapped[str] = mapped_column(String(200), index=True)
    dim: Mapped[int] = mapped_column(Integer)
    embedding: Mapped[bytes] = mapped_column(LargeBinary)  # float32, L2-normalised
    det_score: Mapped[float] = mapped_column(Float)
    face_px: Mapped[float] = mapped_column(Float)
    sharpness: Mapped[float] = mapped_column(Float)
    brightness: Mapped[float] = mapped_column(Float)
    yaw: Mapped[float] = mapped_column(Float)
    photo_sha256: Mapped[str] = mapped_column(String(64))
    # The face as enrolled, small (models/crops.py), for staff to see which face each
    # template is; it lives and is erased with the template. None for templates from before.
    crop_jpeg: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_name: Mapped[str | None] = mapped_column(String(255))  # the file's name, if sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The consent it was stored under (attendance/consent.py); None for templates from before.
    consent_id: Mapped[int | None] = mapped_column(
        ForeignKey("consents.id", ondelete="SET NULL"), index=True
    )
    # A second model's template (attendance/fusion.py) of the same face points at the primary
    # template it was made with, and is erased with it (0022). None for primary templates.
    companion_of: Mapped[int | None] = mapped_column(
        ForeignKey("face_templates.id", ondelete="CASCADE"), index=True
    )

    person: Mapped[Person] = relationship(back_populates="templates")


class GalleryVersion(Base):
    """Bumped whenever a model identity's templates change, so caches know to reload."""

    __tablename__ = "gallery_versions"

    model_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    room: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    late_after_minutes: Mapped[int] = mapped_column(Integer, default=15)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Participant(Base):
    __tablename__ = "meeting_participants"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Observers and guests attend without a vote.
    voting_rights: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Why they stay away, when they sent word (vắng có lý do): the conclusion notice says it.
    absence_reason: Mapped[str | None] = mapped_column(String(300))


class AttendanceEvent(Base):
    __tablename__ = "attendance_events"
    __table_args__ = (
        # One "arrived" per person per meeting, whatever races between kiosks.
        Index(
            "uq_arrived_once",
            "meeting_id",
            "person_id",
            unique=True,
            sqlite_where=text("kind = 'arrived'"),
            postgresql_where=text("kind = 'arrived'"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(100))
    similarity: Mapped[float | None] = mapped_column(Float)
    margin: Mapped[float | None] = mapped_column(Float)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    note: Mapped[str | None] = mapped_column(String(500))  # the reason for a manual change
    actor: Mapped[str | None] = mapped_column(String(100))  # who made a manual change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    room: Mapped[str | None] = mapped_column(String(200))  # a kiosk serves one room
    # ... or one school's gate: the students of its classes with a session today (0018).
    gate: Mapped[str | None] = mapped_column(String(200))
    # A personal token of a staff account acts with the account's role (read at each use).
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who did what, when: check-ins, manual corrections, poll state changes, ballots (never
    choices of a secret poll). Plain ids, no foreign keys: the log outlives what it describes.
    Append-only and hash-chained by `seq` (attendance/audit_chain.py, docs/audit.md): `seq`,
    `prev_hash` and `hash` are set when the writing transaction commits."""

    __tablename__ = "audit_log"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50), index=True)
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    seq: Mapped[int | None] = mapped_column(Integer, unique=True, index=True)  # from 1, no gaps
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # SHA-256 hex of entry seq - 1
    hash: Mapped[str | None] = mapped_column(String(64))  # SHA-256 hex of this entry


class AuditChainHead(Base):
    """One row (id 1): the newest chained entry. Writers lock it, last, to chain in turn."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))


class BoardLink(Base):
    """A read-only key for one meeting's board screen (see attendance/board_links.py)."""

    __tablename__ = "board_links"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The consent, voting, review and staff tables share this metadata; imported last: they import
# Base. Those modules import nothing but the ORM, so either can be imported first. A table
# module that imports services (which import this module) would be a cycle: keep services
# out of them.
from attendance import consent_tables as _consent_tables  # noqa: E402, F401
from attendance import outbound as _outbound  # noqa: E402, F401
from attendance import worker_tables as _worker_tables  # noqa: E402, F401
from attendance.class_photo import tables as _class_photo_tables  # noqa: E402, F401
from attendance.documents import tables as _document_tables  # noqa: E402, F401
from attendance.notices import tables as _notice_tables  # noqa: E402, F401
from attendance.review import tables as _review_tables  # noqa: E402, F401
from attendance.schools import tables as _school_tables  # noqa: E402, F401
from attendance.staff import tables as _staff_tables  # noqa: E402, F401
from attendance.voting import tables as _voting_tables  # noqa: E402, F401
from attendance.webhooks import tables as _webhook_tables  # noqa: E402, F401
