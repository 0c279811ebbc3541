"""Identify the faces in an image, optionally against a meeting's roster."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from api.convert import face_read
from api.deps import ServicesDep, SessionDep, need
from api.recognize import recognize_image
from api.schemas import IdentifyRead
from api.upload import read_upload
from attendance.permissions import Permission

router = APIRouter(tags=["recognition"])


@router.post("/identify", dependencies=[need(Permission.IDENTIFY)])
def identify(
    session: SessionDep,
    services: ServicesDep,
    file: Annotated[UploadFile | None, File()] = None,
    meeting_id: Annotated[int | None, Form()] = None,
) -> IdentifyRead:
    data = read_upload(file, max_bytes=services.settings.limits.max_upload_bytes)
    faces = recognize_image(session, services, data=data, meeting_id=meeting_id)
    return IdentifyRead(faces=[face_read(f) for f in faces], model=services.pipeline.identity.key)
