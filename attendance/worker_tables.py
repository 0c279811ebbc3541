"""Rows that let several server workers on one database act as one: job leases, failed
credentials and account locks."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from attendance.orm import Base, UTCDateTime

logger = logging.getLogger(__name__)


class JobLease(Base):
    """Who runs a scheduled job now: the worker `holder` until `expires_at` (0019)."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FailedAttempt(Base):
    """A wrong credential: per client address and kind (the throttle) or per username (kind
    `account`, the account locks); pruned as they leave their window (0020)."""

    __tablename__ = "failed_attempts"
    __table_args__ = (
        Index("ix_failed_attempts_kind_subject_at", "kind", "subject", "at"),
        Index("ix_failed_attempts_kind_at", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(128))  # the address, or the username
    digest: Mapped[str] = mapped_column(String(64))  # what was presented, hashed
    at: Mapped[float] = mapped_column(Float)  # the server's clock, seconds


class AccountLock(Base):
    """A username locked after wrong passwords, until `locked_until` (0020)."""

    __tablename__ = "account_locks"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    locked_until: Mapped[float] = mapped_column(Float)
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime)  # compared with a password change
    locks: Mapped[int] = mapped_column(Integer)  # locks in a row; each doubles the next
