"""What a meeting page needs when the meeting is a class's lesson: the class (for the links
back to it and its timetable) and which students not checked in are excused (an excused
absence covering the lesson's day, or an absence mark written as excused). The page then
calls the roster students, hides voting, polls and the meeting roster import (the class list
is kept on the class page), and shows "Vắng có phép / Excused"."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.orm import Meeting
from attendance.schools.sessions import class_session, entered_late, rules_for
from attendance.schools.tables import AbsenceMark, ExcusedAbsence, SchoolClass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LessonView:
    class_id: int
    class_name: str
    excused: frozenset[int]  # person ids
    # Entered after its own cut-off: nobody not checked in is absent by the clock (the
    # reports leave them blank, attendance/schools/marks.py); the page says "not recorded".
    unrecorded: bool = False


def lesson_view(session: Session, *, meeting_id: int) -> LessonView | None:
    """None for a meeting that is not a lesson."""
    lesson = class_session(session, meeting_id=meeting_id)
    if lesson is None:
        return None
    cls = session.get(SchoolClass, lesson.class_id)
    by_day = session.scalars(
        select(ExcusedAbsence.person_id).where(
            ExcusedAbsence.starts_on <= lesson.day, ExcusedAbsence.ends_on >= lesson.day
        )
    )
    by_mark = session.scalars(
        select(AbsenceMark.person_id).where(
            AbsenceMark.meeting_id == meeting_id, AbsenceMark.excused.is_(True)
        )
    )
    meeting = session.get(Meeting, meeting_id)
    late = (
        meeting is not None
        and cls is not None
        and entered_late(meeting, rules_for(session, school=cls.school))
    )
    return LessonView(
        class_id=lesson.class_id,
        class_name=cls.name if cls else "",
        excused=frozenset(by_day) | frozenset(by_mark),
        unrecorded=late,
    )
