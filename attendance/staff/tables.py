"""Staff accounts, the meetings they are assigned to, and the sign-in sessions of the web
pages (the cookie holds a random key, the table its hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from attendance.orm import ApiToken, Base, UTCDateTime, utcnow


class StaffAccount(Base):
    """A member of staff who signs in with a username and a password (argon2id hash only)."""

    __tablename__ = "staff_accounts"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin, secretary, teacher, viewer
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MeetingStaff(Base):
    """A teacher or viewer sees only the meetings (classes' sessions) they are assigned to."""

    __tablename__ = "meeting_staff"
    __table_args__ = (UniqueConstraint("meeting_id", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffSession(Base):
    __tablename__ = "staff_sessions"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # Signed in with this token (the bootstrap admin token); revoking the token ends its
    # sessions too. A session of a staff account names the account instead.
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str | None] = mapped_column(String(100))  # the name typed at sign-in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    token: Mapped[ApiToken | None] = relationship()
    account: Mapped[StaffAccount | None] = relationship()
