"""The school tables: classes, their teachers and students, students' details and guardians,
sessions (a session is a meeting with a class), each school's rules, excused absences and the
absent marks written at a session's cut-off."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from attendance.orm import Base, UTCDateTime, utcnow


class SchoolClass(Base):
    """A class of one school year ("10A1", 2026-2027)."""

    __tablename__ = "classes"
    __table_args__ = (
        UniqueConstraint("school", "school_year", "name", name="uq_classes_school_year_name"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    school: Mapped[str] = mapped_column(String(200), index=True)
    school_year: Mapped[str] = mapped_column(String(20))  # "2026-2027"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClassTeacher(Base):
    """A staff account (a teacher) who teaches the class: they see it and its sessions."""

    __tablename__ = "class_teachers"

    class_id: Mapped[int] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ClassStudent(Base):
    """A student on a class's list."""

    __tablename__ = "class_students"

    class_id: Mapped[int] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Student(Base):
    """What a school knows of a person who is a student (one row per person)."""

    __tablename__ = "students"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    student_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)


class Guardian(Base):
    """A parent or guardian of a student: whom the school tells."""

    __tablename__ = "guardians"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(100))  # "mẹ", "cha", "ông", ...
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))


class ClassSession(Base):
    """A lesson: the meeting `meeting_id` (its times, room, roster and check-ins) is a session
    of the class. Its id is the meeting's, usable wherever a meeting id is."""

    __tablename__ = "class_sessions"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)  # the local school day
    period: Mapped[int | None] = mapped_column(Integer)  # "tiết" 1, 2, ...
    subject: Mapped[str | None] = mapped_column(String(200))
    # When the absent cut-off ran for this session (None: not yet). Set in the same
    # transaction as its marks, so a restart neither skips nor repeats it.
    absent_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SchoolRules(Base):
    """One school's rules; a school without a row uses DEFAULT_LATE / DEFAULT_ABSENT."""

    __tablename__ = "school_rules"

    school: Mapped[str] = mapped_column(String(200), primary_key=True)
    late_after_minutes: Mapped[int] = mapped_column(Integer)
    absent_after_minutes: Mapped[int] = mapped_column(Integer)


class ExcusedAbsence(Base):
    """A student excused for the days `starts_on`..`ends_on` (inclusive), registered ahead."""

    __tablename__ = "excused_absences"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AbsenceMark(Base):
    """A student marked absent from a session at its cut-off: at most one per student and
    session (the primary key), so the cut-off can never mark twice."""

    __tablename__ = "absence_marks"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    excused: Mapped[bool] = mapped_column(Boolean, default=False)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
