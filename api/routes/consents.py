"""Consents of a person to keep their face templates, and templates listed for re-consent.

Included before the people router: `/people/reconsent` must not be read as a person's id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.convert import local
from api.deps import ActorDep, ServicesDep, SessionDep, need
from api.schemas_consent import ConsentCreate, ConsentRead, ConsentWithdrawn, ReconsentRead
from attendance.consent import list_consents, record_consent, withdraw_consent
from attendance.consent_tables import Consent
from attendance.permissions import Permission
from attendance.reconsent import unused_templates

router = APIRouter(prefix="/people", tags=["people"])


def consent_read(consent: Consent, zone: str) -> ConsentRead:
    """Times in the deployment's zone, as every other answer gives them."""
    return ConsentRead(
        id=consent.id,
        person_id=consent.person_id,
        given_by=consent.given_by,
        relation=consent.relation,
        purposes=consent.purposes,
        method=consent.method,
        reference=consent.reference,
        recorded_by=consent.recorded_by,
        recorded_at=local(consent.recorded_at, zone),
        withdrawn_at=local(consent.withdrawn_at, zone) if consent.withdrawn_at else None,
    )


@router.get("/reconsent", dependencies=[need(Permission.READ_PEOPLE)])
def reconsent(
    session: SessionDep,
    services: ServicesDep,
    unused_days: Annotated[
        int | None,
        Query(ge=1, le=36500, description="Default: ATTEND_RETENTION__TEMPLATE_UNUSED_DAYS."),
    ] = None,
) -> list[ReconsentRead]:
    """People whose face templates have not recognised them for `unused_days` (default two
    years): ask them for consent again, or erase. Nothing is deleted on its own."""
    days = unused_days or services.settings.retention.template_unused_days
    return [
        ReconsentRead(
            person_id=u.person_id,
            full_name=u.full_name,
            templates=u.templates,
            enrolled_at=u.enrolled_at,
            last_used_at=u.last_used_at,
        )
        for u in unused_templates(session, unused_days=days)
    ]


@router.post(
    "/{person_id}/consents",
    dependencies=[need(Permission.MANAGE_PEOPLE)],
    status_code=status.HTTP_201_CREATED,
)
def create(
    person_id: int,
    body: ConsentCreate,
    session: SessionDep,
    services: ServicesDep,
    actor: ActorDep,
) -> ConsentRead:
    """Record a consent before any face photo: the person's own (`relation` "self") or a
    guardian's for a minor (their name in `given_by`, their relation: "mẹ", "cha", ...)."""
    consent = record_consent(
        session,
        person_id=person_id,
        given_by=body.given_by,
        relation=body.relation,
        purposes=list(body.purposes),
        method=body.method,
        reference=body.reference,
        actor=actor,
    )
    return consent_read(consent, services.settings.timezone)


@router.get("/{person_id}/consents", dependencies=[need(Permission.READ_PEOPLE)])
def consents(person_id: int, session: SessionDep, services: ServicesDep) -> list[ConsentRead]:
    """A person's consents, newest first, withdrawn ones too."""
    zone = services.settings.timezone
    return [consent_read(c, zone) for c in list_consents(session, person_id=person_id)]


@router.delete("/{person_id}/consents/{consent_id}", dependencies=[need(Permission.MANAGE_PEOPLE)])
def withdraw(
    person_id: int, consent_id: int, session: SessionDep, services: ServicesDep, actor: ActorDep
) -> ConsentWithdrawn:
    """Withdraw a consent: the face templates stored under it, their crops and the person's
    review crops are erased now (logged, with the time); kiosks drop them at their next sync."""
    done = withdraw_consent(session, person_id=person_id, consent_id=consent_id, actor=actor)
    when = local(done.withdrawn_at, services.settings.timezone)
    return ConsentWithdrawn(
        id=done.consent.id,
        person_id=person_id,
        withdrawn_at=when,
        templates_erased=done.templates_erased,
        erased_at=when,
    )
