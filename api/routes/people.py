"""People and their face photos."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from sqlalchemy import func, select

from api.convert import person_read
from api.deps import ServicesDep, SessionDep
from api.schemas import PersonCreate, PersonRead, PhotoRead, QualityRead, TemplatesErased
from api.upload import read_upload
from attendance.orm import FaceTemplate
from attendance.people import create_person, erase_templates, get_person, search_people
from enrollment.service import enroll_photo

router = APIRouter(prefix="/people", tags=["people"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: PersonCreate, session: SessionDep) -> PersonRead:
    person = create_person(
        session, full_name=body.full_name, code=body.code, unit=body.unit, title=body.title
    )
    return person_read(person)


@router.get("")
def search(
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[PersonRead]:
    people = search_people(session, query=q, limit=limit)
    counts = dict(
        session.execute(
            select(FaceTemplate.person_id, func.count())
            .where(FaceTemplate.person_id.in_([p.id for p in people]))
            .group_by(FaceTemplate.person_id)
        ).all()
    )
    return [person_read(p, counts.get(p.id, 0)) for p in people]


@router.get("/{person_id}")
def read(person_id: int, session: SessionDep) -> PersonRead:
    person = get_person(session, person_id=person_id)
    return person_read(person, len(person.templates))


@router.post("/{person_id}/photos", status_code=status.HTTP_201_CREATED)
def add_photo(
    person_id: int,
    session: SessionDep,
    services: ServicesDep,
    response: Response,
    file: Annotated[UploadFile | None, File()] = None,
    confirm_different_person: Annotated[bool, Form()] = False,
) -> PhotoRead:
    get_person(session, person_id=person_id)
    data = read_upload(file, max_bytes=services.settings.limits.max_upload_bytes)
    outcome = enroll_photo(
        session,
        pipeline=services.pipeline,
        gallery_cache=services.gallery,
        settings=services.settings,
        person_id=person_id,
        decoder=services.decoder,
        data=data,
        confirm_different_person=confirm_different_person,
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return PhotoRead(
        template_id=outcome.template.id,
        person_id=person_id,
        model=outcome.template.model_key,
        quality=QualityRead.model_validate(outcome.quality),
        created=outcome.created,
    )


@router.delete("/{person_id}/templates")
def erase(person_id: int, session: SessionDep) -> TemplatesErased:
    return TemplatesErased(
        person_id=person_id, erased=erase_templates(session, person_id=person_id)
    )
