"""Principal corrections and voting set-up: check-outs, proxies, voting passes, the audit log."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Response, status

from api.convert import as_utc, event_read
from api.convert_voting import audit_read, brief, proxy_read, qr_svg, voting_url
from api.deps import ActorDep, ServicesDep, SessionDep, need
from api.link_reach import unreachable
from api.schemas import EventRead
from api.schemas_voting import (
    AuditRead,
    CheckoutCreate,
    ProxyCreate,
    ProxyRead,
    VotingPassCreate,
    VotingPassRead,
)
from attendance.audit_view import audit_lines
from attendance.meetings import get_meeting
from attendance.permissions import Permission
from attendance.presence import check_out
from attendance.voting.membership import proxies
from attendance.voting.passes import issue_pass
from attendance.voting.proxies import give_proxy, revoke_proxy

router = APIRouter(prefix="/meetings/{meeting_id}", tags=["presence"])


@router.post(
    "/checkouts",
    dependencies=[need(Permission.CORRECT_ATTENDANCE)],
    status_code=status.HTTP_201_CREATED,
)
def checkout(
    meeting_id: int,
    body: CheckoutCreate,
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    actor: ActorDep,
) -> EventRead:
    """A member leaves before the end: they can no longer vote until they are seen again."""
    zone = services.settings.timezone
    event, created = check_out(
        session,
        meeting_id=meeting_id,
        person_id=body.person_id,
        reason=body.reason,
        actor=actor,
        idempotency_key=body.idempotency_key or f"out-{secrets.token_hex(12)}",
        at=None if body.at is None else as_utc(body.at, zone),
    )
    response.status_code = 201 if created else 200
    read = event_read(event, created=created, zone=zone)
    return read


@router.post(
    "/proxies", dependencies=[need(Permission.EDIT_ROSTER)], status_code=status.HTTP_201_CREATED
)
def add_proxy(
    meeting_id: int, body: ProxyCreate, session: SessionDep, services: ServicesDep, actor: ActorDep
) -> ProxyRead:
    proxy = give_proxy(
        session,
        meeting_id=meeting_id,
        grantor_id=body.grantor_id,
        holder_id=body.holder_id,
        actor=actor,
        note=body.note,
    )
    return proxy_read(session, proxy, services.settings.timezone)


@router.get("/proxies", dependencies=[need(Permission.READ_MEETINGS)])
def list_proxies(meeting_id: int, session: SessionDep, services: ServicesDep) -> list[ProxyRead]:
    get_meeting(session, meeting_id=meeting_id)
    zone = services.settings.timezone
    return [proxy_read(session, p, zone) for p in proxies(session, meeting_id=meeting_id)]


@router.delete(
    "/proxies/{grantor_id}",
    dependencies=[need(Permission.EDIT_ROSTER)],
    status_code=status.HTTP_204_NO_CONTENT,
)
def remove_proxy(meeting_id: int, grantor_id: int, session: SessionDep, actor: ActorDep) -> None:
    revoke_proxy(session, meeting_id=meeting_id, grantor_id=grantor_id, actor=actor)


@router.post(
    "/voting-passes", dependencies=[need(Permission.RUN_POLLS)], status_code=status.HTTP_201_CREATED
)
def new_pass(
    meeting_id: int,
    body: VotingPassCreate,
    session: SessionDep,
    services: ServicesDep,
    actor: ActorDep,
) -> VotingPassRead:
    """A new personal voting link (and QR code) for a delegate; the previous one stops working."""
    raw = issue_pass(session, meeting_id=meeting_id, person_id=body.person_id, actor=actor)
    url = voting_url(services.settings, raw)
    reach = unreachable(url, services.settings)
    return VotingPassRead(
        person=brief(session, body.person_id),
        token=raw,
        url=url,
        qr_svg=qr_svg(url),
        url_warning=reach.bilingual() if reach else None,
    )


@router.get("/audit", dependencies=[need(Permission.READ_MEETING_AUDIT)])
def audit_log(meeting_id: int, session: SessionDep, services: ServicesDep) -> list[AuditRead]:
    get_meeting(session, meeting_id=meeting_id)
    zone = services.settings.timezone
    return [audit_read(line, zone) for line in audit_lines(session, meeting_id=meeting_id)]
