"""A class with a month of sessions and every kind of mark, for the report tests (the domain's,
the API's and the browser's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from attendance.orm import AttendanceEvent, Meeting, Person
from attendance.schools import classes, sessions
from attendance.schools.tables import AbsenceMark, ExcusedAbsence, Student

ZONE = "Asia/Ho_Chi_Minh"
SCHOOL = "THCS Gia Thụy"
# Mid-December: the 1st and 2nd are past, the 15th's lesson has started but not reached its
# cut-off, the 31st is to come.
NOW = datetime(2026, 12, 15, 12, 0, tzinfo=ZoneInfo(ZONE)).astimezone(timezone.utc)
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung")


@dataclass(frozen=True)
class SeededClass:
    class_id: int
    students: dict[str, int]  # given name -> person id
    lessons: dict[str, int]  # "1/12 p1", "1/12 p2", "2/12", "15/12", "31/12" -> session id


def local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(ZONE)).astimezone(timezone.utc)


def seed_class(session: Session, *, name: str = "6A", year: int = 2026) -> SeededClass:
    """An, Bình, Cường, Dung in class 6A, lessons on 1/12 (two), 2/12, 15/12 and 31/12.

    An: on time on the 1st (twice), late on the 2nd, on time on the 15th.
    Bình: marked absent by the cut-off in the 1st's first lesson, on time in the second; on
    the 2nd not arrived and not marked (the cut-off job has not run): absent all the same.
    Cường: excused for the 1st and 2nd (one excused mark written, the rest not yet).
    Dung: on time in the 1st's first lesson, missing from the second, arrived after the
    cut-off on the 2nd (late, not absent).
    `year`: December of another year (2025: every lesson past its cut-off by the real clock).
    """
    cls = classes.create_class(session, name=name, school=SCHOOL, school_year="2026-2027")
    people = [Person(full_name=n, search_name=n.lower()) for n in NAMES]
    session.add_all(people)
    session.flush()
    ids = {p.full_name.split()[-1]: p.id for p in people}
    session.add_all(
        Student(person_id=pid, student_code=f"HS{name}{n:03d}")
        for n, pid in enumerate(sorted(ids.values()), 1)
    )
    classes.set_students(session, class_id=cls.id, person_ids=list(ids.values()), now=NOW)
    times = {
        "1/12 p1": (date(year, 12, 1), time(7, 0), 1),
        "1/12 p2": (date(year, 12, 1), time(7, 50), 2),
        "2/12": (date(year, 12, 2), time(7, 0), 1),
        "15/12": (date(year, 12, 15), time(11, 55), 5),
        "31/12": (date(year, 12, 31), time(7, 0), 1),
    }
    lessons = {}
    for key, (day, start, period) in times.items():
        row = sessions.create_session(
            session,
            class_id=cls.id,
            day=day,
            start=start,
            end=time(start.hour + 1, start.minute),
            zone=ZONE,
            period=period,
            subject="Toán",
        )
        lessons[key] = row.meeting_id
        # The timetable was entered before the term (one entered after the fact marks no one).
        session.get(Meeting, row.meeting_id).created_at = datetime(year, 9, 1, tzinfo=timezone.utc)  # type: ignore[union-attr]

    def arrive(who: str, lesson: str, hour: int, minute: int) -> None:
        day = times[lesson][0]
        session.add(
            AttendanceEvent(
                meeting_id=lessons[lesson],
                person_id=ids[who],
                kind="arrived",
                at=local(day, hour, minute),
                source="class_photo",
                idempotency_key=f"{name}-{lesson}-{who}",
            )
        )

    arrive("An", "1/12 p1", 6, 55)
    arrive("An", "1/12 p2", 7, 52)
    arrive("An", "2/12", 7, 10)  # after 7:05: late
    arrive("An", "15/12", 11, 54)
    session.add(AbsenceMark(meeting_id=lessons["1/12 p1"], person_id=ids["Bình"]))
    arrive("Bình", "1/12 p2", 7, 50)
    session.add(
        ExcusedAbsence(
            person_id=ids["Cường"],
            starts_on=date(year, 12, 1),
            ends_on=date(year, 12, 2),
            reason="Ốm",
            recorded_by="co.lan",
        )
    )
    session.add(AbsenceMark(meeting_id=lessons["1/12 p1"], person_id=ids["Cường"], excused=True))
    arrive("Dung", "1/12 p1", 7, 0)
    arrive("Dung", "2/12", 7, 20)  # after the 7:15 cut-off: late all the same
    session.flush()
    return SeededClass(class_id=cls.id, students=ids, lessons=lessons)
