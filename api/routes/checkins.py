"""Check-ins: a kiosk's recognised person (JSON) or an image recognised here (multipart);
and a kiosk's uncertain face, sent to the review queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import fastapi
from fastapi import APIRouter, File, Form, Request, Response, status
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.convert import as_utc
from api.convert_checkins import arrival_read, image_checkin_read
from api.deps import ActorDep, PrincipalDep, ServicesDep, SessionDep, need
from api.errors import invalid_request_detail
from api.kiosk_keys import scoped_key, sent_key
from api.recognize import decode
from api.schemas import CheckinCreate, EventRead, ImageCheckinRead, SightingRead
from api.services import Services
from api.upload import read_upload
from attendance.checkin_window import ensure_kiosk_may_check_in
from attendance.errors import Invalid
from attendance.kiosk_sync import invited_today
from attendance.meetings import get_meeting, roster_ids
from attendance.orm import Meeting, utcnow
from attendance.permissions import Permission, Principal, is_scoped, may
from attendance.tokens import KIOSK
from models.crops import MAX_CROP_BYTES
from usecases.checkins import MAX_KEY, MAX_SOURCE, check_in_image, image_key, record_arrival
from usecases.reviews import Sighting, report_sighting

router = APIRouter(tags=["check-in"])
sightings = APIRouter(tags=["check-in"])


def _authorise(
    session: Session,
    services: Services,
    token: Principal,
    meeting_id: int,
    now: datetime,
    source: str,
    note: str | None = None,
) -> Meeting:
    """A kiosk: its room, the window open now by this server's clock, its camera's word only.
    Returns the meeting: whoever holds it keeps it in the session's (weak) identity map, so
    the check-in's own lookup of it is not a second query."""
    meeting = get_meeting(session, meeting_id=meeting_id)
    if token.role == KIOSK:
        rules = services.settings.checkin.rules()
        ensure_kiosk_may_check_in(
            meeting, room=token.room, now=now, rules=rules, source=source, note=note
        )
    return meeting


@router.post(
    "/meetings/{meeting_id}/checkins",
    dependencies=[need(Permission.CHECK_IN)],
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
    meeting_id: int,
    request: Request,
    response: Response,
    services: ServicesDep,
    token: PrincipalDep,
    actor: ActorDep,
) -> EventRead | ImageCheckinRead:
    """JSON when a kiosk already recognised the person; multipart `file` to recognise here.

    A photo's answer says what became of every face (`faces[].outcome`): checked in,
    already in, sent to the review queue (`reviews`, for a secretary to confirm) or not
    checked in, with a bilingual `message`. The same key (or the same photo) again gives
    the same answer and queues nothing twice. 201 when an arrival was recorded, else 200.
    Staff may check in to the meetings they may (docs/permissions.md); a kiosk token only
    to its room's meetings, while their check-in window is open.
    """
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        source = str(form.get("source") or "upload")
        key = str(form.get("idempotency_key") or "")
        file = upload if isinstance(upload, UploadFile) else None
        with services.metrics.refusals(source):
            result = await run_in_threadpool(
                _image_checkin, services, token, actor, meeting_id, file, source, key
            )
        await form.close()
        for made in result.events:
            services.metrics.checked_in(source, created=made.created)
        response.status_code = 201 if any(e.created for e in result.events) else 200
        return result
    try:
        body = CheckinCreate.model_validate_json(await request.body())
    except ValidationError as exc:
        raise Invalid(invalid_request_detail(exc.errors()), code="INVALID_REQUEST") from exc
    with services.metrics.refusals(body.source):
        event = await run_in_threadpool(json_checkin, services, token, actor, meeting_id, body)
    services.metrics.checked_in(body.source, created=event.created)
    response.status_code = 201 if event.created else 200
    return event


def json_checkin(
    services: Services, token: Principal, actor: str, meeting_id: int, body: CheckinCreate
) -> EventRead:
    """One check-in by person id, in its own transaction (the batch route calls it per event)."""
    zone = services.settings.timezone
    now = utcnow()
    at = as_utc(body.at, zone) if body.at else now
    with services.sessions() as session, session.begin():
        meeting = _authorise(session, services, token, meeting_id, now, body.source, body.note)
        arrival = record_arrival(
            session,
            role=token.role,
            meeting_id=meeting_id,
            person_id=body.person_id,
            source=body.source,
            idempotency_key=scoped_key(token, body.idempotency_key),
            at=at,
            similarity=body.similarity,
            margin=body.margin,
            note=body.note,
            # Principal typing a check-in by hand: the reason and who did it go to the audit log.
            actor=actor if body.note or body.source == "manual" else None,
            by=actor,
            rules=services.settings.checkin.rules(),
            now=now,
            zone=zone,
        )
        # A kiosk's word alone (a person id) does not earn a voting link: whoever held its
        # token could vote as anyone (the rule: attendance/voting/passes.py).
        read = arrival_read(services.settings, arrival)
        read.idempotency_key = sent_key(token, read.idempotency_key)
        del meeting  # held until here (see _authorise)
        return read


def _image_checkin(
    services: Services,
    token: Principal,
    actor: str,
    meeting_id: int,
    file: UploadFile | None,
    source: str,
    key: str,
) -> ImageCheckinRead:
    data = read_upload(file, max_bytes=services.settings.limits.max_upload_bytes)
    image = decode(services, data)
    with services.sessions() as session, session.begin():
        _authorise(session, services, token, meeting_id, utcnow(), source)
        done = check_in_image(
            session,
            recognizer=services.recognizer,
            image=image,
            meeting_id=meeting_id,
            source=source,
            key=scoped_key(token, key or image_key(meeting_id=meeting_id, data=data)),
            role=token.role,
            by=actor,
            rules=services.settings.checkin.rules(),
            zone=services.settings.timezone,
        )
        # Only a caller who may read the whole register learns who an off-roster face is.
        register = may(token.role, Permission.READ_PEOPLE) and not is_scoped(token.role)
        nameable = None if register else roster_ids(session, meeting_id=meeting_id)
        return image_checkin_read(services.settings, done, nameable=nameable)


@sightings.post(
    "/meetings/{meeting_id}/reviews",
    dependencies=[need(Permission.REPORT_SIGHTINGS)],
    status_code=status.HTTP_201_CREATED,
)
def report(
    meeting_id: int,
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    token: PrincipalDep,
    crop: Annotated[fastapi.UploadFile, File()],
    candidate_id: Annotated[int, Form()],
    similarity: Annotated[float, Form(ge=-1, le=1)],
    idempotency_key: Annotated[str, Form(min_length=1, max_length=MAX_KEY)],
    runner_up_id: Annotated[int | None, Form()] = None,
    margin: Annotated[float | None, Form(ge=-2, le=2)] = None,
    source: Annotated[str, Form(min_length=1, max_length=MAX_SOURCE)] = "kiosk",
) -> SightingRead:
    """A face a kiosk was unsure about, with a small `crop`, for the secretary to confirm.

    The same scope as the kiosk's check-ins, by the server's clock; the same key again is a
    no-op (200).
    """
    now = utcnow()
    _authorise(session, services, token, meeting_id, now, source)
    # A kiosk searched its room's invitees of the day, at the kiosks' rate: the threshold it
    # had to reach is the one judged by.
    kiosk = token.role == KIOSK and token.room is not None
    searched = (
        invited_today(session, room=token.room, now=now, zone=services.settings.timezone)
        if kiosk and token.room is not None
        else None
    )
    reported = report_sighting(
        session,
        meeting_id=meeting_id,
        sighting=Sighting(
            candidate_id=candidate_id,
            similarity=similarity,
            crop=read_upload(crop, max_bytes=MAX_CROP_BYTES),
            source=source,
            key=scoped_key(token, idempotency_key),
            runner_up_id=runner_up_id,
            margin=margin,
        ),
        policy=services.kiosk_policy if kiosk else services.policy,
        searched=searched,
    )
    if not reported.created:
        response.status_code = status.HTTP_200_OK
    item = reported.item
    return SightingRead(review_id=item.id if item else None, created=reported.created)
