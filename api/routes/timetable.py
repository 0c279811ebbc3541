"""A class's timetable (sessions one by one or from a weekly pattern), each school's rules, and
students' excused absences."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.convert import local
from api.deps import ActorDep, ServicesDep, SessionDep, need
from api.schemas_timetable import (
    ExcusedCreate,
    ExcusedRead,
    PatternCreate,
    PatternRead,
    RulesBody,
    RulesRead,
    SessionCreate,
    SessionRead,
    clock_of,
    clock_text,
)
from attendance.errors import NotFound
from attendance.meeting_removal import delete_meeting
from attendance.meetings import get_meeting
from attendance.orm import MAX_ID, Meeting
from attendance.people import get_person
from attendance.permissions import Permission
from attendance.schools.classes import get_class
from attendance.schools.excused import add_excused, list_excused, remove_excused
from attendance.schools.sessions import class_session, rules_for, sessions_of_class
from attendance.schools.tables import ClassSession, ExcusedAbsence
from attendance.schools.timetable import (
    Slot,
    add_pattern,
    add_session,
    pattern_message,
    set_rules,
)

logger = logging.getLogger(__name__)

router = APIRouter(tags=["timetable"])
CLASS = "/classes/{class_id}/sessions"
EXCUSED = "/people/{person_id}/excused-absences"


def session_read(lesson: ClassSession, meeting: Meeting, zone: str) -> SessionRead:
    starts, ends = local(meeting.starts_at, zone), local(meeting.ends_at, zone)
    return SessionRead(
        id=meeting.id,
        class_id=lesson.class_id,
        date=lesson.day,
        period=lesson.period,
        subject=lesson.subject,
        room=meeting.room,
        start=clock_text(starts.time()),
        end=clock_text(ends.time()),
        starts_at=starts,
        ends_at=ends,
        late_after_minutes=meeting.late_after_minutes,
        absent_marked_at=local(lesson.absent_marked_at, zone) if lesson.absent_marked_at else None,
    )


def excused_read(row: ExcusedAbsence) -> ExcusedRead:
    return ExcusedRead(
        id=row.id,
        person_id=row.person_id,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        reason=row.reason,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


@router.post(
    CLASS, dependencies=[need(Permission.MANAGE_CLASSES)], status_code=status.HTTP_201_CREATED
)
def create(
    class_id: int, body: SessionCreate, session: SessionDep, services: ServicesDep, actor: ActorDep
) -> SessionRead:
    """One session (a meeting with the class as its roster); 409 SESSION_EXISTS when the class
    already has that period that day."""
    zone = services.settings.timezone
    lesson = add_session(
        session,
        class_id=class_id,
        day=body.date,
        start=clock_of(body.start),
        end=clock_of(body.end),
        zone=zone,
        period=body.period,
        subject=body.subject,
        room=body.room,
        actor=actor,
    )
    return session_read(lesson, get_meeting(session, meeting_id=lesson.meeting_id), zone)


@router.post(
    f"{CLASS}/pattern",
    dependencies=[need(Permission.MANAGE_CLASSES)],
    status_code=status.HTTP_201_CREATED,
)
def create_pattern(
    class_id: int, body: PatternCreate, session: SessionDep, services: ServicesDep, actor: ActorDep
) -> PatternRead:
    """The weekly slots on every matching day of the range except skip_dates: all or nothing,
    at most 1,000 sessions; a slot whose day and period the class already has is listed in
    `existing` and not created again."""
    result = add_pattern(
        session,
        class_id=class_id,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        weekly=[
            Slot(
                weekday=s.weekday,
                start=clock_of(s.start),
                end=clock_of(s.end),
                period=s.period,
                subject=s.subject,
                room=s.room,
            )
            for s in body.weekly
        ],
        zone=services.settings.timezone,
        skip_dates=frozenset(body.skip_dates),
        actor=actor,
    )
    return PatternRead(
        created=result.created,
        existing=result.existing,
        past=result.past,
        message=pattern_message(len(result.created), len(result.past)),
    )


@router.get(CLASS, dependencies=[need(Permission.READ_CLASSES)])
def index(
    class_id: int,
    session: SessionDep,
    services: ServicesDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> list[SessionRead]:
    """The class's sessions from `from` to `to` (inclusive dates), in time order."""
    get_class(session, class_id=class_id)
    zone = services.settings.timezone
    return [
        session_read(lesson, meeting, zone)
        for lesson, meeting in sessions_of_class(session, class_id=class_id, start=start, end=end)
    ]


@router.delete(
    f"{CLASS}/{{meeting_id}}",
    dependencies=[need(Permission.MANAGE_CLASSES)],
    status_code=status.HTTP_204_NO_CONTENT,
)
def remove(
    class_id: int, meeting_id: int, session: SessionDep, actor: ActorDep, services: ServicesDep
) -> Response:
    """Delete one session: the meeting with its roster and check-ins (as DELETE of a meeting;
    409 while a poll of it is open)."""
    lesson = class_session(session, meeting_id=meeting_id) if 0 < meeting_id <= MAX_ID else None
    if lesson is None or lesson.class_id != class_id:
        raise NotFound(
            f"Lớp không có buổi học số {meeting_id}. The class has no session {meeting_id}.",
            code="UNKNOWN_SESSION",
        )
    delete_meeting(
        session, meeting_id=meeting_id, actor=actor, documents_root=services.documents.root
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/schools/{school}/rules", dependencies=[need(Permission.MANAGE_CLASSES)])
def read_rules(school: str, session: SessionDep) -> RulesRead:
    """The school's rules (the defaults, 5 and 15 minutes, when none were set)."""
    rules = rules_for(session, school=school)
    return RulesRead(
        school=school,
        late_after_minutes=rules.late_after_minutes,
        absent_after_minutes=rules.absent_after_minutes,
    )


@router.put("/schools/{school}/rules", dependencies=[need(Permission.MANAGE_CLASSES)])
def write_rules(school: str, body: RulesBody, session: SessionDep, actor: ActorDep) -> RulesRead:
    """Late after the start plus N minutes; absent when not checked in M minutes after it
    (M >= N). Sessions created from now on take the late mark; the cut-off reads M."""
    rules = set_rules(
        session,
        school=school,
        late_after_minutes=body.late_after_minutes,
        absent_after_minutes=body.absent_after_minutes,
        actor=actor,
    )
    return RulesRead(
        school=school,
        late_after_minutes=rules.late_after_minutes,
        absent_after_minutes=rules.absent_after_minutes,
    )


@router.post(
    EXCUSED,
    dependencies=[need(Permission.EXCUSE_ABSENCES, student=True)],
    status_code=status.HTTP_201_CREATED,
)
def excuse(
    person_id: int, body: ExcusedCreate, session: SessionDep, actor: ActorDep
) -> ExcusedRead:
    """Register an excused absence ahead (days starts_on..ends_on inclusive); a teacher only
    for a student of a class they teach."""
    return excused_read(
        add_excused(
            session,
            person_id=person_id,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            reason=body.reason,
            actor=actor,
        )
    )


@router.get(EXCUSED, dependencies=[need(Permission.EXCUSE_ABSENCES, student=True)])
def excused(person_id: int, session: SessionDep) -> list[ExcusedRead]:
    """A person's excused absences, newest first; an unknown person (any id) is a 404."""
    get_person(session, person_id=person_id)
    return [excused_read(r) for r in list_excused(session, person_ids=[person_id])]


@router.delete(
    f"{EXCUSED}/{{excused_id}}",
    dependencies=[need(Permission.EXCUSE_ABSENCES, student=True)],
    status_code=status.HTTP_204_NO_CONTENT,
)
def unexcuse(person_id: int, excused_id: int, session: SessionDep, actor: ActorDep) -> Response:
    remove_excused(session, person_id=person_id, excused_id=excused_id, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
