"""People pages: search, create, edit, enroll photos (upload or webcam) with the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.errors import status_for
from api.upload import read_upload
from api.web.face_choice import FaceChoice, face_choice
from api.web.forms import PersonForm, PersonFormDep, Text
from api.web.render import render
from api.web.texts import TEXTS, t_both
from attendance.consent import (
    MISSING,
    consent_filter,
    consent_statuses,
    consented_purposes,
    default_purpose,
    list_consents,
)
from attendance.erasure import erase_face_data, erase_one_template
from attendance.errors import DomainError, Invalid
from attendance.people import (
    create_person,
    get_person,
    search_people,
    template_counts,
    update_person,
)
from attendance.permissions import Permission, Principal
from attendance.reconsent import unused_templates
from attendance.settings import Settings
from attendance.templates import QualityFigures, person_templates
from enrollment.service import enroll_photo
from models.images import ImageRejected

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    reason: str | None = None
    message: str | None = None
    quality: QualityFigures | None = None
    choice: FaceChoice | None = None  # MULTIPLE_FACES: the faces to click
    template_id: int | None = None  # accepted: the template made (its face is shown)
    again: bool = False  # the same photo was enrolled before: nothing was added

    @property
    def headline(self) -> str | None:
        """The page text saying why, in the page's language, where there is one."""
        key = f"refusal_{(self.reason or '').lower()}"
        return key if self.reason and key in TEXTS else None


@router.get("/people", dependencies=[need(Permission.READ_PEOPLE, page=True)])
def people_page(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    q: Annotated[str, Query(max_length=200)] = "",
    consent: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """Everyone, those without consent flagged (`consent=missing`: only them), and the
    people whose templates have long gone unused, to ask for consent again."""
    only = consent if consent == MISSING else ""
    return _list(request, session, staff, q, PersonForm(), only=only, settings=services.settings)


@router.post("/people", dependencies=[need(Permission.MANAGE_PEOPLE, page=True)])
def create(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    form: PersonFormDep,
) -> Response:
    try:
        person = create_person(
            session,
            full_name=form.full_name,
            title=form.title or None,
            unit=form.unit or None,
            code=form.code or None,
        )
    except DomainError as exc:
        session.rollback()
        return _list(request, session, staff, "", form, exc, settings=services.settings)
    return RedirectResponse(f"/people/{person.id}?ok=created", status_code=303)


def _list(
    request: Request,
    session: Session,
    staff: Principal,
    q: str,
    form: PersonForm,
    error: DomainError | None = None,
    *,
    settings: Settings,
    only: str = "",
) -> Response:
    where = consent_filter(only) if only else None
    people = search_people(session, query=q or None, limit=200, where=where)
    days = settings.retention.template_unused_days
    return render(
        request,
        "people.html",
        staff=staff,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        q=q,
        people=people,
        counts=template_counts(session, person_ids=[p.id for p in people]),
        consents=consent_statuses(session, person_ids=[p.id for p in people]),
        only=only,
        reconsent=unused_templates(session, unused_days=days),
        unused_days=days,
        form=form,
    )


@router.get("/people/{person_id}", dependencies=[need(Permission.READ_PEOPLE, page=True)])
def person_page(
    person_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    person = get_person(session, person_id=person_id)
    return _person(
        request, session, services.settings.timezone, staff, person_id, PersonForm.of(person)
    )


@router.post("/people/{person_id}", dependencies=[need(Permission.MANAGE_PEOPLE, page=True)])
def edit(
    person_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    form: PersonFormDep,
) -> Response:
    try:
        update_person(
            session,
            person_id=person_id,
            full_name=form.full_name,
            title=form.title or None,
            unit=form.unit or None,
            code=form.code or None,
        )
    except DomainError as exc:
        session.rollback()
        zone = services.settings.timezone
        return _person(request, session, zone, staff, person_id, form, error=exc)
    return RedirectResponse(f"/people/{person_id}?ok=saved", status_code=303)


@router.post("/people/{person_id}/photos", dependencies=[need(Permission.MANAGE_PEOPLE, page=True)])
def add_photo(
    person_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    file: Annotated[UploadFile | None, File()] = None,
    confirm_different_person: Text = "",
    face_index: Annotated[int | None, Form(ge=0, le=1000)] = None,
    pending: Text = "",
    purpose: Text = "",
) -> Response:
    """Enroll a photo; one with several faces comes back with them to click (`pending` then
    names the photo held meanwhile, and `face_index` the face clicked). For the purpose the
    form names, else attendance.consent.default_purpose."""
    person = get_person(session, person_id=person_id)
    purpose = purpose or default_purpose(session, person_id=person_id)
    zone = services.settings.timezone
    photo = services.pending_photos.get(pending, person_id=person_id) if pending else None
    data, name = (photo.data, photo.name) if photo else (b"", None)
    try:
        if pending and photo is None:
            raise Invalid(t_both("photo_expired"), code="PHOTO_EXPIRED")
        if photo is None:
            data = read_upload(file, max_bytes=services.settings.limits.max_upload_bytes)
            name = file.filename if file is not None else None
        outcome = enroll_photo(
            session,
            pipeline=services.pipeline,
            gallery_cache=services.gallery,
            settings=services.settings,
            person_id=person_id,
            decoder=services.decoder,
            data=data,
            confirm_different_person=confirm_different_person == "true",
            face_index=face_index,
            photo_name=name,
            actor=staff.actor,
            purpose=purpose,
        )
    except (DomainError, ImageRejected) as exc:
        session.rollback()
        message = exc.message if isinstance(exc, DomainError) else exc.detail
        choice = None
        if isinstance(exc, DomainError) and "faces" in exc.extra:
            token = pending or services.pending_photos.keep(
                person_id=person_id, data=data, name=name
            )
            choice = face_choice(services.decoder, data, exc.extra["faces"], token)
        verdict = Verdict(False, exc.code, message, choice=choice)
        form = PersonForm.of(person)
        return _person(request, session, zone, staff, person_id, form, verdict, status_for(exc))
    if pending:
        services.pending_photos.forget(pending)
    verdict = Verdict(
        True,
        quality=outcome.quality,
        template_id=outcome.template.id,
        again=not outcome.created,
    )
    status = 201 if outcome.created else 200
    return _person(request, session, zone, staff, person_id, PersonForm.of(person), verdict, status)


@router.get("/people/{person_id}/photos", dependencies=[need(Permission.READ_PEOPLE, page=True)])
def after_photo(person_id: int, staff: PrincipalDep) -> Response:
    """The upload's address, opened again (a reload after the answer, history): the person's
    page, not 405; the photo is sent again only by choosing it again."""
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post(
    "/people/{person_id}/photos/{template_id}/delete",
    dependencies=[need(Permission.MANAGE_PEOPLE, page=True)],
)
def erase_photo(
    person_id: int, template_id: int, session: SessionDep, staff: PrincipalDep
) -> Response:
    erase_one_template(session, person_id=person_id, template_id=template_id, actor=staff.actor)
    return RedirectResponse(f"/people/{person_id}?ok=photo_erased", status_code=303)


@router.post(
    "/people/{person_id}/erase", dependencies=[need(Permission.ERASE_BIOMETRICS, page=True)]
)
def erase(person_id: int, session: SessionDep, staff: PrincipalDep) -> Response:
    erase_face_data(session, person_id=person_id, actor=staff.actor)
    return RedirectResponse(f"/people/{person_id}?ok=erased", status_code=303)


def _person(
    request: Request,
    session: Session,
    zone: str,
    staff: Principal,
    person_id: int,
    form: PersonForm,
    verdict: Verdict | None = None,
    status_code: int = 200,
    error: DomainError | None = None,
) -> Response:
    person = get_person(session, person_id=person_id)
    consents = list_consents(session, person_id=person_id)
    return render(
        request,
        "person.html",
        staff=staff,
        zone=zone,
        status_code=status_for(error) if error else status_code,
        error=error.message if error else None,
        person=person,
        templates=person_templates(session, person_id=person_id, with_crops=True),
        form=form,
        verdict=verdict,
        consents=consents,
        active_consent=next((c for c in consents if c.withdrawn_at is None), None),
        purposes=consented_purposes(session, person_id=person_id),
    )
