"""The whole audit log, a page at a time: entries with no meeting (people deleted or merged)
and a deleted meeting's entries are read here; and the check of its hash chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.convert_voting import audit_read
from api.deps import ServicesDep, SessionDep, need
from api.schemas_audit import AuditChainRead, audit_chain_read
from api.schemas_voting import AuditPageRead
from attendance.audit_pages import MAX_PAGE, MAX_PER_PAGE, PER_PAGE, audit_page
from attendance.audit_verify import verify_chain
from attendance.orm import MAX_ID
from attendance.permissions import Permission

router = APIRouter(tags=["audit"])


@router.get("/audit", dependencies=[need(Permission.READ_AUDIT)])
def audit_log(
    session: SessionDep,
    services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
    action: Annotated[
        str | None, Query(max_length=50, description="Only this action, e.g. person_deleted.")
    ] = None,
    meeting_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this meeting's, a deleted one's too.")
    ] = None,
    person_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="Only those about this person, or by them."),
    ] = None,
    actor: Annotated[
        str | None, Query(max_length=100, description="Only those by this actor, as stored.")
    ] = None,
    person: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Only those about the people whose names match (diacritics optional); "
            "instead of person_id.",
        ),
    ] = None,
) -> AuditPageRead:
    """Every entry, newest first: those of every meeting, deleted ones included, and those
    of no meeting (a person deleted or merged); filtered by meeting, person, actor, action."""
    found = audit_page(
        session,
        page=page,
        per_page=per_page,
        action=action,
        meeting_id=meeting_id,
        person_id=person_id,
        actor=actor,
        person_query=person,
    )
    zone = services.settings.timezone
    return AuditPageRead(
        items=[audit_read(line, zone) for line in found.lines],
        page=found.page,
        per_page=found.per_page,
        total=found.total,
        has_more=found.has_more,
    )


@router.get("/audit/verify", dependencies=[need(Permission.READ_AUDIT)])
def audit_verify(services: ServicesDep) -> AuditChainRead:
    """Walk the hash chain (as `attendance audit verify`): intact, or the first entry that
    was changed, removed or inserted. The newest entry is the anchor to keep elsewhere."""
    return audit_chain_read(verify_chain(services.engine))
