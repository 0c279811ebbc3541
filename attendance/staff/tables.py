"""Sign-in sessions of the web pages; the cookie holds a random key, the table its hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from attendance.orm import ApiToken, Base, UTCDateTime, utcnow


class StaffSession(Base):
    __tablename__ = "staff_sessions"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # Signed in with this token (the admin token until staff accounts exist); revoking the
    # token ends its sessions too.
    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str | None] = mapped_column(String(100))  # the name typed at sign-in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    token: Mapped[ApiToken] = relationship()
