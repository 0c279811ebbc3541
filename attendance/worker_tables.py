"""Rows that let several server workers on one database act as one: job leases."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from attendance.orm import Base, UTCDateTime

logger = logging.getLogger(__name__)


class JobLease(Base):
    """Who runs a scheduled job now: the worker `holder` until `expires_at` (0019)."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
