"""Merging a duplicate into the right person, and deleting a person, from the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.errors import status_for
from api.web.forms import Text, parse_id
from api.web.render import render
from attendance.errors import DomainError
from attendance.people import get_person, search_people
from attendance.people_merge import merge_people
from attendance.people_merge_plan import MergePlan, plan_merge
from attendance.people_removal import delete_person
from attendance.permissions import Permission
from attendance.person_records import person_records

router = APIRouter(include_in_schema=False)
SEARCH_LIMIT = 50


@router.get("/people/{person_id}/merge", dependencies=[need(Permission.MANAGE_PEOPLE, page=True)])
def merge_page(
    person_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    into_id: Annotated[int | None, Query()] = None,
) -> Response:
    """Find the person who stays (the name's namesakes first), then see what would move."""
    person = get_person(session, person_id=person_id)
    query = person.full_name if q is None else q
    found = search_people(session, query=query, limit=SEARCH_LIMIT)
    found = [p for p in found if p.id != person.id]
    plan: MergePlan | None = None
    error: DomainError | None = None
    if into_id is not None:
        try:
            plan = plan_merge(session, person_id=person_id, into_id=into_id)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "person_merge.html",
        staff=staff,
        zone=services.settings.timezone,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        person=person,
        q=query,
        found=found,
        plan=plan,
    )


@router.post("/people/{person_id}/merge", dependencies=[need(Permission.MANAGE_PEOPLE, page=True)])
def merge(person_id: int, session: SessionDep, staff: PrincipalDep, into_id: Text = "") -> Response:
    kept = merge_people(session, person_id=person_id, into_id=parse_id(into_id), actor=staff.actor)
    return RedirectResponse(f"/people/{kept.id}?ok=merged", status_code=303)


@router.get(
    "/people/{person_id}/delete", dependencies=[need(Permission.ERASE_BIOMETRICS, page=True)]
)
def delete_page(
    person_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    """What deleting would take with it; someone with a meeting record needs a second yes."""
    person = get_person(session, person_id=person_id)
    return render(
        request,
        "person_delete.html",
        staff=staff,
        person=person,
        records=person_records(session, person_id=person_id),
    )


@router.post(
    "/people/{person_id}/delete", dependencies=[need(Permission.ERASE_BIOMETRICS, page=True)]
)
def delete(person_id: int, session: SessionDep, staff: PrincipalDep, force: Text = "") -> Response:
    delete_person(session, person_id=person_id, actor=staff.actor, force=force == "true")
    return RedirectResponse("/people?ok=deleted", status_code=303)
