"""Meetings, their rosters and attendance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.convert import as_utc, local, meeting_read, person_read
from api.deps import ServicesDep, SessionDep
from api.download import download
from api.schemas import (
    AttendanceRead,
    MeetingCreate,
    MeetingRead,
    ParticipantsRead,
    ParticipantsUpdate,
)
from attendance.checkin import meeting_attendance
from attendance.exports.service import export_meeting
from attendance.meetings import create_meeting, get_meeting, list_meetings, set_participants

router = APIRouter(prefix="/meetings", tags=["meetings"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: MeetingCreate, session: SessionDep, services: ServicesDep) -> MeetingRead:
    zone = services.settings.timezone
    meeting = create_meeting(
        session,
        title=body.title,
        starts_at=as_utc(body.starts_at, zone),
        ends_at=as_utc(body.ends_at, zone),
        room=body.room,
        late_after_minutes=body.late_after_minutes,
    )
    return meeting_read(meeting, zone)


@router.get("")
def index(session: SessionDep, services: ServicesDep) -> list[MeetingRead]:
    return [meeting_read(m, services.settings.timezone) for m in list_meetings(session)]


@router.get("/{meeting_id}")
def read(meeting_id: int, session: SessionDep, services: ServicesDep) -> MeetingRead:
    return meeting_read(get_meeting(session, meeting_id=meeting_id), services.settings.timezone)


@router.put("/{meeting_id}/participants")
def participants(
    meeting_id: int, body: ParticipantsUpdate, session: SessionDep
) -> ParticipantsRead:
    ids = set_participants(
        session,
        meeting_id=meeting_id,
        person_ids=body.person_ids,
        non_voting_ids=body.non_voting_ids,
    )
    return ParticipantsRead(
        meeting_id=meeting_id, person_ids=ids, non_voting_ids=sorted(set(body.non_voting_ids))
    )


@router.get("/{meeting_id}/attendance")
def attendance(meeting_id: int, session: SessionDep, services: ServicesDep) -> list[AttendanceRead]:
    zone = services.settings.timezone
    return [
        AttendanceRead(
            person=person_read(row.person),
            status=row.status.value,
            first_seen_at=None if row.first_seen_at is None else local(row.first_seen_at, zone),
            source=row.source,
            left=row.left_at is not None,
            left_at=None if row.left_at is None else local(row.left_at, zone),
        )
        for row in meeting_attendance(session, meeting_id=meeting_id)
    ]


@router.get(
    "/{meeting_id}/export",
    response_class=Response,
    responses={200: {"description": "The file, as an attachment."}},
)
def export(
    meeting_id: int,
    format: Annotated[str, Query(description="xlsx, csv or pdf")],
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    """The attendance list (XLSX, CSV) or the report with draft minutes (PDF)."""
    exported = export_meeting(
        session, meeting_id=meeting_id, format=format, zone=services.settings.timezone
    )
    return download(exported)
