"""Voting tables. A secret poll's choices live apart from who voted, with nothing to join on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from attendance.orm import AttendanceEvent, Base, UTCDateTime, utcnow


class Poll(Base):
    __tablename__ = "polls"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))  # motion | election | opinion
    secrecy: Mapped[str] = mapped_column(String(10))  # named | secret
    base: Mapped[str] = mapped_column(String(10))  # cast | present | members
    majority: Mapped[str] = mapped_column(String(20))  # simple | absolute | two_thirds | custom
    majority_num: Mapped[int] = mapped_column(Integer, default=1)
    majority_den: Mapped[int] = mapped_column(Integer, default=2)
    abstentions_in_base: Mapped[bool] = mapped_column(Boolean, default=True)
    quorum_num: Mapped[int] = mapped_column(Integer, default=1)
    quorum_den: Mapped[int] = mapped_column(Integer, default=2)
    max_choices: Mapped[int] = mapped_column(Integer, default=1)
    allow_change: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(10), default="draft")  # draft | open | closed
    # Bumped by every ballot with "WHERE state = 'open'": the ballot and the closing of the
    # poll meet on this row, so no ballot commits after the close.
    ballots_cast: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quorum_at_open: Mapped[str | None] = mapped_column(Text)  # JSON
    result: Mapped[str | None] = mapped_column(Text)  # JSON, written when the poll closes
    # A secret poll's ballot key, only ever stored wrapped under the server's master key,
    # and that master key's check value; both erased as the poll closes.
    ballot_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    ballot_key_check: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    options: Mapped[list[PollOption]] = relationship(
        order_by="PollOption.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PollOption(Base):
    __tablename__ = "poll_options"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(10))  # yes | no | abstain | choice


class BallotRecord(Base):
    """That a member voted (and through whom, and which presence made them eligible)."""

    __tablename__ = "poll_voters"
    __table_args__ = (UniqueConstraint("poll_id", "person_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    eligibility_event_id: Mapped[int] = mapped_column(
        ForeignKey("attendance_events.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(10))  # link | face
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    eligibility_event: Mapped[AttendanceEvent] = relationship()


class NamedChoice(Base):
    """What a voter chose, for named polls only."""

    __tablename__ = "poll_named_choices"

    voter_id: Mapped[int] = mapped_column(
        ForeignKey("poll_voters.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("poll_options.id", ondelete="CASCADE"), primary_key=True
    )


class SecretBallot(Base):
    """A secret ballot while its poll is open: its choice sealed under the poll's key.

    No voter, no time; the key is random, so rows are kept in no order of arrival. The
    close opens them into the counters and deletes them (docs/voting.md).
    """

    __tablename__ = "poll_secret_ballots"
    __table_args__ = ({"sqlite_with_rowid": False},)

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SecretCount(Base):
    """A secret poll's votes per option: counters, not ballots.

    Created with the poll and written only as it closes, from its sealed ballots: the
    counters never move while a file reader could tie a change to the voter of the moment.
    """

    __tablename__ = "poll_secret_counts"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("poll_options.id", ondelete="CASCADE"), primary_key=True
    )
    votes: Mapped[int] = mapped_column(Integer, default=0)


class Proxy(Base):
    """A member who cannot vote gives their vote to another present member, per meeting."""

    __tablename__ = "proxies"
    __table_args__ = (UniqueConstraint("meeting_id", "grantor_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    grantor_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    holder_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VotingPass(Base):
    """A delegate's personal voting link for one meeting; stored as a hash only."""

    __tablename__ = "voting_passes"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused (0009)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Opinion(Base):
    """A member's written opinion on a poll or an agenda item; anonymous ones name nobody
    and carry no time (a random key, like secret choices)."""

    __tablename__ = "opinions"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE")
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
    # agree, object or other (attendance/voting/opinions.py STANCES); None: not said (older).
    stance: Mapped[str | None] = mapped_column(String(16))
