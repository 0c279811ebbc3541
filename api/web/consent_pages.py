"""Consent on the person's page: record it (the form before any photo), withdraw it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, SessionDep, need
from api.web.forms import Text
from api.web.texts import t_both
from attendance.consent import record_consent, withdraw_consent
from attendance.consent_tables import SELF, WEB_CHECKBOX
from attendance.errors import Invalid
from attendance.permissions import Permission

router = APIRouter(include_in_schema=False)


@router.post(
    "/people/{person_id}/consents", dependencies=[need(Permission.MANAGE_PEOPLE, page=True)]
)
def record(
    person_id: int,
    session: SessionDep,
    staff: PrincipalDep,
    given_by: Text = "",
    relation_kind: Text = SELF,
    relation: Text = "",
    purposes: Annotated[list[str] | None, Form(max_length=2)] = None,
    method: Text = "",
    reference: Text = "",
    agreed: Text = "",
) -> Response:
    """The form's fields as the API's; the checkbox "has agreed" is required, and is the
    consent itself when given on this page (method web_checkbox)."""
    if agreed != "true":
        raise Invalid(t_both("consent_agree_required"), code="INVALID_CONSENT")
    record_consent(
        session,
        person_id=person_id,
        given_by=given_by,
        relation=SELF if relation_kind == SELF else relation,
        purposes=purposes or [],
        method=method or WEB_CHECKBOX,
        reference=reference or None,
        actor=staff.actor,
    )
    return RedirectResponse(f"/people/{person_id}?ok=consent_recorded", status_code=303)


@router.post(
    "/people/{person_id}/consents/{consent_id}/withdraw",
    dependencies=[need(Permission.MANAGE_PEOPLE, page=True)],
)
def withdraw(person_id: int, consent_id: int, session: SessionDep, staff: PrincipalDep) -> Response:
    withdraw_consent(session, person_id=person_id, consent_id=consent_id, actor=staff.actor)
    return RedirectResponse(f"/people/{person_id}?ok=consent_withdrawn", status_code=303)
