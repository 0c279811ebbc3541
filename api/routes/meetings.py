"""Meetings, their rosters, check-ins and attendance."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request, Response, status
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.convert import as_utc, event_read, face_read, local, meeting_read, person_read
from api.deps import ServicesDep, SessionDep
from api.recognize import recognize_image
from api.schemas import (
    AttendanceRead,
    CheckinCreate,
    EventRead,
    ImageCheckinRead,
    MeetingCreate,
    MeetingRead,
    ParticipantsRead,
    ParticipantsUpdate,
)
from api.services import Services
from api.upload import read_upload
from attendance.checkin import check_in, meeting_attendance
from attendance.errors import Invalid
from attendance.matching import Decision
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
    ids = set_participants(session, meeting_id=meeting_id, person_ids=body.person_ids)
    return ParticipantsRead(meeting_id=meeting_id, person_ids=ids)


@router.post(
    "/{meeting_id}/checkins",
    status_code=status.HTTP_201_CREATED,
    response_model=EventRead | ImageCheckinRead,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": CheckinCreate.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "source": {"type": "string"},
                            "idempotency_key": {"type": "string"},
                        },
                        "required": ["file"],
                    }
                },
            }
        }
    },
)
async def checkins(
    meeting_id: int, request: Request, response: Response, services: ServicesDep
) -> EventRead | ImageCheckinRead:
    """JSON when a kiosk already recognised the person; multipart `file` to recognise here."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        source = str(form.get("source") or "upload")
        key = str(form.get("idempotency_key") or "")
        file = upload if isinstance(upload, UploadFile) else None
        result = await run_in_threadpool(
            _image_checkin, services, meeting_id, file, source[:100], key[:150]
        )
        await form.close()
        response.status_code = 201 if any(e.created for e in result.events) else 200
        return result
    try:
        body = CheckinCreate.model_validate_json(await request.body())
    except ValueError as exc:
        raise Invalid(
            f"Dữ liệu điểm danh không hợp lệ. The check-in body is not valid: {exc}",
            code="INVALID_REQUEST",
        ) from exc
    event = await run_in_threadpool(_json_checkin, services, meeting_id, body)
    response.status_code = 201 if event.created else 200
    return event


def _json_checkin(services: Services, meeting_id: int, body: CheckinCreate) -> EventRead:
    zone = services.settings.timezone
    with services.sessions() as session, session.begin():
        result = check_in(
            session,
            meeting_id=meeting_id,
            person_id=body.person_id,
            source=body.source,
            idempotency_key=body.idempotency_key,
            at=as_utc(body.at, zone) if body.at else None,
            similarity=body.similarity,
            margin=body.margin,
        )
        return event_read(result.event, created=result.created, zone=zone)


def _image_checkin(
    services: Services, meeting_id: int, file: UploadFile | None, source: str, key: str
) -> ImageCheckinRead:
    zone = services.settings.timezone
    data = read_upload(file, max_bytes=services.settings.limits.max_upload_bytes)
    # Without a key from the caller, the image itself is the key: sending it again is a no-op.
    base_key = key or "img-" + hashlib.sha256(data).hexdigest()[:32]
    with services.sessions() as session, session.begin():
        get_meeting(session, meeting_id=meeting_id)
        faces = recognize_image(session, services, data=data, meeting_id=meeting_id)
        events = []
        for face in faces:
            if face.decision.decision is not Decision.MATCH or face.person is None:
                continue
            result = check_in(
                session,
                meeting_id=meeting_id,
                person_id=face.person.id,
                source=source,
                idempotency_key=f"{base_key}:{face.person.id}",
                similarity=face.decision.similarity,
                margin=face.decision.margin,
            )
            events.append(event_read(result.event, created=result.created, zone=zone))
        return ImageCheckinRead(events=events, faces=[face_read(f) for f in faces])


@router.get("/{meeting_id}/attendance")
def attendance(meeting_id: int, session: SessionDep, services: ServicesDep) -> list[AttendanceRead]:
    zone = services.settings.timezone
    return [
        AttendanceRead(
            person=person_read(row.person),
            status=row.status.value,
            first_seen_at=None if row.first_seen_at is None else local(row.first_seen_at, zone),
            source=row.source,
        )
        for row in meeting_attendance(session, meeting_id=meeting_id)
    ]
