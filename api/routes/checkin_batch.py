"""Several JSON check-ins in one request (a kiosk outbox catching up): each event is checked in
exactly as by POST .../checkins, in its own transaction, and answered on its own."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import ActorDep, PrincipalDep, ServicesDep, need
from api.errors import status_for
from api.routes.checkins import json_checkin
from api.schemas_checkins import CheckinBatchRead, CheckinErrorRead, CheckinResultRead
from api.services import Services
from attendance.errors import DomainError
from attendance.permissions import Permission, Principal
from wire.kiosk import CheckinBatchCreate

logger = logging.getLogger(__name__)

router = APIRouter(tags=["check-in"])


@router.post("/meetings/{meeting_id}/checkins/batch", dependencies=[need(Permission.CHECK_IN)])
async def checkin_batch(
    meeting_id: int,
    body: CheckinBatchCreate,
    services: ServicesDep,
    token: PrincipalDep,
    actor: ActorDep,
) -> CheckinBatchRead:
    """Up to 100 check-ins (`events`, each as the JSON body of POST .../checkins); 200 with one
    result per event in the order sent: `status` 201 recorded, 200 already there, or the 4xx
    that route would give with its `error` ({reason, detail}). One event refused does not stop
    the others; each is written (or not) on its own, so sending the batch again is safe. A
    malformed batch (more than 100 events, a field missing) is refused whole (422)."""
    results = await run_in_threadpool(_check_in_each, services, token, actor, meeting_id, body)
    return CheckinBatchRead(results=results)


def _check_in_each(
    services: Services, token: Principal, actor: str, meeting_id: int, body: CheckinBatchCreate
) -> list[CheckinResultRead]:
    results = []
    for index, event in enumerate(body.events):
        try:
            read = json_checkin(services, token, actor, meeting_id, event)
        except DomainError as exc:
            services.metrics.checkin_refused(event.source, exc.code)
            error = CheckinErrorRead(reason=exc.code, detail=exc.message)
            results.append(CheckinResultRead(index=index, status=status_for(exc), error=error))
            continue
        services.metrics.checked_in(event.source, created=read.created)
        results.append(
            CheckinResultRead(index=index, status=201 if read.created else 200, event=read)
        )
    return results
