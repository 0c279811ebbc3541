"""Each student's mark in each session of a class: present, late, excused or unexcused absent,
or none yet. The one rule the monthly report, a student's history and the school's rates
share, read from the arrivals, the cut-off's absence marks and the excused absences."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.checkin import late_after
from attendance.orm import AttendanceEvent, Meeting, Participant, utcnow
from attendance.presence import ARRIVED
from attendance.schools.sessions import Rules, cutoff, entered_late, rules_for
from attendance.schools.tables import AbsenceMark, ClassSession, ExcusedAbsence, SchoolClass

logger = logging.getLogger(__name__)


class Mark(str, Enum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"  # absent with leave (vắng có phép)
    UNEXCUSED = "unexcused"  # absent without leave (vắng không phép)


# The letters of a Vietnamese class register. "C" (có mặt) rather than "P" for present: a
# teacher reads a lone "P" as "phép" (excused).
CODES: dict[Mark, str] = {
    Mark.PRESENT: "C",
    Mark.LATE: "M",
    Mark.EXCUSED: "CP",
    Mark.UNEXCUSED: "KP",
}
LABELS: dict[Mark, tuple[str, str]] = {
    Mark.PRESENT: ("Có mặt", "Present"),
    Mark.LATE: ("Đi muộn", "Late"),
    Mark.EXCUSED: ("Vắng có phép", "Absent, excused"),
    Mark.UNEXCUSED: ("Vắng không phép", "Absent, unexcused"),
}
# A day with several sessions takes its worst mark (an unexcused absence from one lesson is
# what the register must show); sessions with no mark yet do not count.
SEVERITY = {Mark.PRESENT: 0, Mark.LATE: 1, Mark.EXCUSED: 2, Mark.UNEXCUSED: 3}


@dataclass(frozen=True)
class SessionMark:
    """One student in one session: `mark` None while the session has not reached its cut-off
    (nobody is absent yet) and the student has not arrived."""

    meeting_id: int
    class_id: int
    day: date
    period: int | None
    subject: str | None
    starts_at: datetime
    person_id: int
    mark: Mark | None
    arrived_at: datetime | None
    source: str | None  # how they were checked in (kiosk, class_photo, manual, ...)


@dataclass(frozen=True)
class Totals:
    """Counted per session (a day of three lessons counts three)."""

    present: int = 0
    late: int = 0
    excused: int = 0
    unexcused: int = 0

    @property
    def held(self) -> int:
        return self.present + self.late + self.excused + self.unexcused

    @property
    def rate(self) -> float | None:
        """(present + late) / sessions held; None when none was held."""
        return (self.present + self.late) / self.held if self.held else None

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.present + other.present,
            self.late + other.late,
            self.excused + other.excused,
            self.unexcused + other.unexcused,
        )


def totals_of(marks: Iterable[Mark | None]) -> Totals:
    counts = dict.fromkeys(Mark, 0)
    for mark in marks:
        if mark is not None:
            counts[mark] += 1
    return Totals(
        counts[Mark.PRESENT], counts[Mark.LATE], counts[Mark.EXCUSED], counts[Mark.UNEXCUSED]
    )


def day_mark(marks: Iterable[Mark | None]) -> Mark | None:
    """The worst of a day's marks (see SEVERITY); None when no session of the day has one."""
    known = [m for m in marks if m is not None]
    return max(known, key=SEVERITY.__getitem__) if known else None


def session_marks(
    session: Session,
    *,
    lessons: Sequence[tuple[ClassSession, Meeting]],
    person_ids: Iterable[int] | None = None,
    now: datetime | None = None,
) -> list[SessionMark]:
    """A mark for every student on each lesson's roster (or only `person_ids`).

    Arrived: late after the session's late mark, present otherwise (an arrival after the
    cut-off is late, not absent). Not arrived: absent once the cut-off has passed, whether the
    cut-off job has written its mark yet or not; excused when the mark says so or an excused
    absence covers the day. Before the cut-off, no mark; none either in a session created
    after its cut-off, or once the job has handled the session without marking the student.
    """
    if not lessons:
        return []
    now = now or utcnow()
    ids = [m.id for _, m in lessons]
    wanted = None if person_ids is None else set(person_ids)
    roster = _roster(session, ids, wanted)
    arrivals = _arrivals(session, ids)
    absent = {
        (a.meeting_id, a.person_id): a
        for a in session.scalars(select(AbsenceMark).where(AbsenceMark.meeting_id.in_(ids)))
    }
    people = {p for members in roster.values() for p in members}
    days = [s.day for s, _ in lessons]
    excused = _excused(session, people, min(days), max(days))
    rules = _rules(session, {s.class_id for s, _ in lessons})
    found = []
    for lesson, meeting in lessons:
        late_at = late_after(meeting.starts_at, meeting.late_after_minutes)
        rules_of = rules[lesson.class_id]
        # Absent by the clock only where the cut-off job will (or did) mark: not in a session
        # entered after its cut-off, nor for a student the job handled and left unmarked.
        by_clock = (
            now >= cutoff(meeting, rules_of)
            and not entered_late(meeting, rules_of)
            and lesson.absent_marked_at is None
        )
        for person_id in roster.get(meeting.id, []):
            arrival = arrivals.get((meeting.id, person_id))
            mark: Mark | None
            if arrival is not None:
                mark = Mark.LATE if arrival[0] > late_at else Mark.PRESENT
            else:
                written = absent.get((meeting.id, person_id))
                if written is None and not by_clock:
                    mark = None
                elif (written is not None and written.excused) or any(
                    start <= lesson.day <= end for start, end in excused.get(person_id, [])
                ):
                    mark = Mark.EXCUSED
                else:
                    mark = Mark.UNEXCUSED
            found.append(
                SessionMark(
                    meeting_id=meeting.id,
                    class_id=lesson.class_id,
                    day=lesson.day,
                    period=lesson.period,
                    subject=lesson.subject,
                    starts_at=meeting.starts_at,
                    person_id=person_id,
                    mark=mark,
                    arrived_at=arrival[0] if arrival else None,
                    source=arrival[1] if arrival else None,
                )
            )
    return found


def _roster(session: Session, ids: list[int], wanted: set[int] | None) -> dict[int, list[int]]:
    """Who was on each session's roster: a student who joined the class later is not
    counted absent from the lessons before."""
    roster: dict[int, list[int]] = {}
    query = select(Participant.meeting_id, Participant.person_id).where(
        Participant.meeting_id.in_(ids)
    )
    if wanted is not None:
        query = query.where(Participant.person_id.in_(wanted))
    for meeting_id, person_id in session.execute(query.order_by(Participant.person_id)):
        roster.setdefault(meeting_id, []).append(person_id)
    return roster


def _arrivals(session: Session, ids: list[int]) -> dict[tuple[int, int], tuple[datetime, str]]:
    """Each student's first arrival in each session, with its source."""
    rows = session.execute(
        select(
            AttendanceEvent.meeting_id,
            AttendanceEvent.person_id,
            AttendanceEvent.at,
            AttendanceEvent.source,
        )
        .where(AttendanceEvent.meeting_id.in_(ids), AttendanceEvent.kind == ARRIVED)
        .order_by(AttendanceEvent.at, AttendanceEvent.id)
    )
    found: dict[tuple[int, int], tuple[datetime, str]] = {}
    for meeting_id, person_id, at, source in rows:
        found.setdefault((meeting_id, person_id), (at, source))
    return found


def _excused(
    session: Session, people: set[int], first: date, last: date
) -> dict[int, list[tuple[date, date]]]:
    ranges: dict[int, list[tuple[date, date]]] = {}
    if not people:
        return ranges
    rows = session.execute(
        select(ExcusedAbsence.person_id, ExcusedAbsence.starts_on, ExcusedAbsence.ends_on).where(
            ExcusedAbsence.person_id.in_(people),
            ExcusedAbsence.starts_on <= last,
            ExcusedAbsence.ends_on >= first,
        )
    )
    for person_id, start, end in rows:
        ranges.setdefault(person_id, []).append((start, end))
    return ranges


def _rules(session: Session, class_ids: set[int]) -> dict[int, Rules]:
    schools = dict(
        session.execute(
            select(SchoolClass.id, SchoolClass.school).where(SchoolClass.id.in_(class_ids))
        ).all()
    )
    by_school = {school: rules_for(session, school=school) for school in set(schools.values())}
    return {class_id: by_school[school] for class_id, school in schools.items()}
