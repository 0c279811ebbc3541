"""Attendance from one class photo: upload (nothing written but the pending photo), look
again, an unknown face's crop, and the teacher's confirm that writes the check-ins."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.convert import local, person_read
from api.deps import ActorDep, PrincipalDep, ServicesDep, SessionDep, need
from api.schemas import SecondOpinionRead
from api.schemas_class_photo import (
    ClassPhotoConfirm,
    ClassPhotoConfirmed,
    ClassPhotoRead,
    ConfirmedRead,
    PresentFace,
    UnknownFace,
)
from api.services import Services
from api.upload import read_upload
from attendance.checkin_window import CheckinRules, checkin_window, kiosk_may_deliver
from attendance.class_photo.service import crop_indexes, crop_of, pending_photo
from attendance.errors import Forbidden
from attendance.meetings import get_meeting
from attendance.orm import utcnow
from attendance.permissions import Permission, Principal
from attendance.tokens import KIOSK
from models.images import DecodedImage, decode_upright
from usecases.class_photo import SOURCE as CLASS_PHOTO
from usecases.class_photo import (
    ConfirmedPerson,
    PhotoView,
    analyse_class_photo,
    class_photo_view,
    confirm_class_photo,
    ensure_room_for_photo,
)

router = APIRouter(tags=["class photo"])
BASE = "/meetings/{meeting_id}/class-photo"


@router.post(BASE, dependencies=[need(Permission.CHECK_IN)])
async def upload_class_photo(
    meeting_id: int,
    services: ServicesDep,
    token: PrincipalDep,
    actor: ActorDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> ClassPhotoRead:
    """Every face of one photo of the class (or hall) against the meeting's roster, each
    member at most once: `present` (proposed), `unknown` (with a crop to look at) and
    `not_seen`. Nothing is checked in until `.../confirm`; the photo expires after
    `ATTEND_RETENTION__CLASS_PHOTO_HOURS`."""
    return await run_in_threadpool(_analyse, services, token, actor, meeting_id, file)


@router.get(BASE + "/{photo_id}", dependencies=[need(Permission.CHECK_IN)])
def get_class_photo(
    meeting_id: int, photo_id: str, session: SessionDep, services: ServicesDep, token: PrincipalDep
) -> ClassPhotoRead:
    """The pending photo's answer again; 410 once it has expired."""
    _own_room(session, token, meeting_id, services.settings.checkin.rules())
    view = class_photo_view(session, meeting_id=meeting_id, photo_id=photo_id)
    return class_photo_read(view, services.settings.timezone)


@router.get(
    BASE + "/{photo_id}/crops/{face}",
    dependencies=[need(Permission.CHECK_IN)],
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
)
def get_unknown_crop(
    meeting_id: int,
    photo_id: str,
    face: int,
    session: SessionDep,
    services: ServicesDep,
    token: PrincipalDep,
) -> Response:
    """An unknown face's crop (JPEG), until the photo is confirmed or expires."""
    _own_room(session, token, meeting_id, services.settings.checkin.rules())
    photo = pending_photo(session, meeting_id=meeting_id, photo_id=photo_id)
    return Response(
        crop_of(session, photo, index=face),
        media_type="image/jpeg",
        headers={"Cache-Control": "no-store"},
    )


@router.post(BASE + "/{photo_id}/confirm", dependencies=[need(Permission.CHECK_IN)])
def confirm(
    meeting_id: int,
    photo_id: str,
    body: ClassPhotoConfirm,
    session: SessionDep,
    services: ServicesDep,
    token: PrincipalDep,
    actor: ActorDep,
) -> ClassPhotoConfirmed:
    """Check in exactly `person_ids` (each on the roster, else nothing is written), source
    `class_photo`, at the photo's time; confirming again records nothing new."""
    _own_room(session, token, meeting_id, services.settings.checkin.rules())
    zone = services.settings.timezone
    with services.metrics.refusals(CLASS_PHOTO):
        done = confirm_class_photo(
            session,
            meeting_id=meeting_id,
            photo_id=photo_id,
            person_ids=body.person_ids,
            role=token.role,
            by=actor,
            rules=services.settings.checkin.rules(),
            zone=zone,
        )
    for confirmed in done:
        services.metrics.checked_in(CLASS_PHOTO, created=confirmed.recorded)
    return ClassPhotoConfirmed(
        photo_id=photo_id,
        recorded=[_confirmed(c, zone) for c in done if c.recorded],
        already=[_confirmed(c, zone) for c in done if not c.recorded],
    )


def _own_room(session: Session, token: Principal, meeting_id: int, rules: CheckinRules) -> None:
    """A kiosk token (check_in in its room) only for its own room's meetings whose check-in
    window is open now, as for its check-ins: no roster of another day's meeting."""
    meeting = get_meeting(session, meeting_id=meeting_id)
    if token.role != KIOSK:
        return
    open_now = kiosk_may_deliver(checkin_window(meeting, rules), now=utcnow(), rules=rules)
    if token.room is None or meeting.room != token.room or not open_now:
        raise Forbidden(
            "Máy điểm danh này không phục vụ buổi này (khác phòng hoặc chưa/hết giờ điểm "
            "danh). This kiosk does not serve this meeting (another room, or its check-in "
            "window is not open now)."
        )


def _analyse(
    services: Services, token: Principal, actor: str, meeting_id: int, file: UploadFile | None
) -> ClassPhotoRead:
    with services.sessions() as session:
        limits = services.settings.limits
        _own_room(session, token, meeting_id, services.settings.checkin.rules())
        # Before the upload is decoded: a meeting full of pending photos is refused at once.
        ensure_room_for_photo(
            session, meeting_id=meeting_id, max_pending=limits.class_photo_pending
        )
    data = read_upload(file, max_bytes=limits.max_upload_bytes)
    with services.analyses.hold():  # 429 when too many photos are analysed at once
        image = decode_full(services, data)
        with services.sessions() as session, session.begin():
            view = analyse_class_photo(
                session,
                recognizer=services.recognizer,
                image=image,
                meeting_id=meeting_id,
                taken_by=actor,
                hours=services.settings.retention.class_photo_hours,
                max_pending=limits.class_photo_pending,
            )
            return class_photo_read(view, services.settings.timezone)


def decode_full(services: Services, data: bytes) -> DecodedImage:
    """At full size (small faces need every pixel: the detector tiles it), within the
    server's byte, pixel and memory limits and its decode slots."""
    decoder = services.decoder
    return decode_upright(data, replace(decoder.limits, max_side=None), slots=decoder.slots)


def class_photo_read(view: PhotoView, zone: str) -> ClassPhotoRead:
    photo = view.photo
    crops = crop_indexes(photo)
    base = f"/api/v1/meetings/{photo.meeting_id}/class-photo/{photo.id}"
    present, unknown = [], []
    for index, face in enumerate(view.faces):
        box = list(face.box)
        person = view.people.get(face.person_id) if face.person_id is not None else None
        if person is not None:
            present.append(
                PresentFace(
                    person=person_read(person),
                    box=box,
                    similarity=face.similarity,
                    face=index,
                    second_opinion=(
                        None
                        if face.second_opinion is None
                        else SecondOpinionRead.model_validate(face.second_opinion)
                    ),
                )
            )
        else:
            url = f"{base}/crops/{index}" if index in crops else None
            unknown.append(UnknownFace(box=box, crop_url=url, face=index))
    return ClassPhotoRead(
        photo_id=photo.id,
        meeting_id=photo.meeting_id,
        taken_at=local(photo.created_at, zone),
        expires_at=local(photo.expires_at, zone),
        confirmed_at=local(photo.confirmed_at, zone) if photo.confirmed_at else None,
        present=present,
        unknown=unknown,
        not_seen=[person_read(p) for p in view.not_seen],
    )


def _confirmed(done: ConfirmedPerson, zone: str) -> ConfirmedRead:
    event = done.arrival.result.event
    return ConfirmedRead(
        person=person_read(done.person),
        event_id=event.id,
        at=local(event.at, zone),
        source=event.source,
        voting_token=done.arrival.voting_token,
    )
