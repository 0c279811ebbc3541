"""People and their face photos."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

from api.convert import person_read
from api.deps import ActorDep, ServicesDep, SessionDep, need
from api.schemas import (
    PersonCreate,
    PersonDeleted,
    PersonMerge,
    PersonRead,
    PersonRecordsRead,
    PhotoRead,
    QualityRead,
    TemplateErased,
    TemplateRead,
    TemplatesErased,
)
from api.upload import read_upload
from attendance.consent import consent_filter, consent_statuses, default_purpose
from attendance.erasure import erase_face_data, erase_one_template
from attendance.errors import NotFound
from attendance.people import create_person, get_person, search_people, template_counts
from attendance.people_merge import merge_people
from attendance.people_removal import delete_person
from attendance.permissions import Permission
from attendance.templates import companions_of, get_template, person_templates
from enrollment.service import enroll_photo

router = APIRouter(prefix="/people", tags=["people"])


@router.post("", dependencies=[need(Permission.MANAGE_PEOPLE)], status_code=status.HTTP_201_CREATED)
def create(body: PersonCreate, session: SessionDep) -> PersonRead:
    person = create_person(
        session, full_name=body.full_name, code=body.code, unit=body.unit, title=body.title
    )
    return person_read(person, 0, "missing")


@router.get("", dependencies=[need(Permission.READ_PEOPLE)])
def search(
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    consent: Annotated[
        Literal["given", "missing", "withdrawn"] | None,
        Query(description="Only people whose consent is given, missing or withdrawn."),
    ] = None,
) -> list[PersonRead]:
    where = consent_filter(consent) if consent else None
    people = search_people(session, query=q, limit=limit, where=where)
    statuses = consent_statuses(session, person_ids=[p.id for p in people])
    counts = template_counts(session, person_ids=[p.id for p in people])
    return [person_read(p, counts.get(p.id, 0), statuses[p.id]) for p in people]


@router.get("/{person_id}", dependencies=[need(Permission.READ_PEOPLE)])
def read(person_id: int, session: SessionDep) -> PersonRead:
    person = get_person(session, person_id=person_id)
    status = consent_statuses(session, person_ids=[person.id])[person.id]
    return person_read(person, _faces(session, person.id), status)


@router.post(
    "/{person_id}/photos",
    dependencies=[need(Permission.MANAGE_PEOPLE)],
    status_code=status.HTTP_201_CREATED,
)
def add_photo(
    person_id: int,
    session: SessionDep,
    services: ServicesDep,
    response: Response,
    actor: ActorDep,
    file: Annotated[UploadFile | None, File()] = None,
    confirm_different_person: Annotated[bool, Form()] = False,
    face_index: Annotated[int | None, Form(ge=0, le=1000)] = None,
    purpose: Annotated[Literal["meetings", "school_attendance"] | None, Form()] = None,
) -> PhotoRead:
    """Enroll the photo's subject; when a photo holds several faces equally prominent, the
    422 MULTIPLE_FACES answer lists them (`faces`) and `face_index` enrolls one of them.
    Only under a consent recorded for `purpose` (422 CONSENT_REQUIRED otherwise); without
    `purpose`, school attendance for a minor student, else the first the person's consents
    cover (meetings, then school attendance)."""
    get_person(session, person_id=person_id)
    chosen = purpose or default_purpose(session, person_id=person_id)
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
        face_index=face_index,
        photo_name=file.filename if file is not None else None,
        actor=actor,
        purpose=chosen,
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return PhotoRead(
        template_id=outcome.template.id,
        person_id=person_id,
        model=outcome.template.model_key,
        quality=QualityRead.model_validate(outcome.quality),
        created=outcome.created,
        box=[round(v, 1) for v in outcome.box] if outcome.box else None,
        face_index=outcome.face_index,
        crop_url=crop_url(person_id, outcome.template.id),
    )


@router.get("/{person_id}/templates", dependencies=[need(Permission.READ_PEOPLE)])
def templates(person_id: int, session: SessionDep) -> list[TemplateRead]:
    """A person's enrolled photos: each face template with its quality and its face crop."""
    get_person(session, person_id=person_id)
    faces = person_templates(session, person_id=person_id, with_crops=True)
    companions = companions_of(session, template_ids=[t.id for t in faces])
    return [
        TemplateRead(
            template_id=t.id,
            person_id=person_id,
            model=t.model_key,
            quality=QualityRead.model_validate(t),
            photo_name=t.photo_name,
            created_at=t.created_at,
            crop_url=crop_url(person_id, t.id) if t.crop_jpeg is not None else None,
            second_model=t.id in companions,
        )
        for t in faces
    ]


@router.get(
    "/{person_id}/templates/{template_id}/crop",
    dependencies=[need(Permission.READ_PEOPLE)],
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
)
def template_crop(person_id: int, template_id: int, session: SessionDep) -> Response:
    """The face as enrolled (JPEG, 160 px): kept only as long as its template."""
    template = get_template(session, person_id=person_id, template_id=template_id, with_crop=True)
    if template.crop_jpeg is None:
        raise NotFound(
            "Ảnh này được đăng ký trước khi hệ thống lưu ảnh khuôn mặt. "
            "This photo was enrolled before face crops were kept."
        )
    return Response(
        template.crop_jpeg,
        media_type="image/jpeg",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.delete(
    "/{person_id}/templates/{template_id}", dependencies=[need(Permission.MANAGE_PEOPLE)]
)
def erase_one(
    person_id: int, template_id: int, session: SessionDep, actor: ActorDep
) -> TemplateErased:
    """Erase one enrolled photo: its template and its face crop."""
    done = erase_one_template(session, person_id=person_id, template_id=template_id, actor=actor)
    return TemplateErased(
        person_id=person_id, template_id=template_id, erased=True, erased_at=done.erased_at
    )


def crop_url(person_id: int, template_id: int) -> str:
    return f"/api/v1/people/{person_id}/templates/{template_id}/crop"


@router.delete("/{person_id}/templates", dependencies=[need(Permission.ERASE_BIOMETRICS)])
def erase(person_id: int, session: SessionDep, actor: ActorDep) -> TemplatesErased:
    """Erase every face template of a person, their crops and review crops (logged, with
    the time); kiosks drop them at their next sync."""
    done = erase_face_data(session, person_id=person_id, actor=actor)
    return TemplatesErased(person_id=person_id, erased=done.erased, erased_at=done.erased_at)


@router.delete("/{person_id}", dependencies=[need(Permission.ERASE_BIOMETRICS)])
def delete(
    person_id: int,
    session: SessionDep,
    actor: ActorDep,
    force: Annotated[bool, Query()] = False,
) -> PersonDeleted:
    """Delete a person and everything of theirs. Someone with a meeting record (attendance,
    ballots, proxies, opinions) is refused with 409 `PERSON_HAS_RECORDS` unless `force=true`;
    a duplicate with none goes in one step."""
    deleted = delete_person(session, person_id=person_id, actor=actor, force=force)
    return PersonDeleted(
        person_id=deleted.person_id,
        full_name=deleted.full_name,
        records=PersonRecordsRead.model_validate(deleted.records),
        erased_at=deleted.erased_at,
    )


@router.post("/{person_id}/merge", dependencies=[need(Permission.MANAGE_PEOPLE)])
def merge(person_id: int, body: PersonMerge, session: SessionDep, actor: ActorDep) -> PersonRead:
    """Merge this person into `into_id`: templates, rosters, attendance, ballots, proxies,
    links, opinions and review items follow; this person is deleted. 409 when both voted in
    one poll or both gave a proxy in one meeting."""
    person = merge_people(session, person_id=person_id, into_id=body.into_id, actor=actor)
    return person_read(person, _faces(session, person.id))


def _faces(session: SessionDep, person_id: int) -> int:
    """How many faces a person has enrolled (a second model's template is not another)."""
    return template_counts(session, person_ids=[person_id]).get(person_id, 0)
