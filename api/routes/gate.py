"""A school gate's kiosk posts the students it recognises; the server decides whether each
sighting is an arrival (morning) or a departure (afternoon) and on which session it goes."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Response, status

from api.convert import as_utc, local
from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.kiosk_keys import scoped_key, sent_key
from attendance.errors import Forbidden
from attendance.orm import utcnow
from attendance.permissions import Permission
from attendance.schools.gate import GATE, record_gate_sighting
from attendance.tokens import KIOSK
from wire.kiosk import GateEventCreate, GateEventRead

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/kiosk/gate", tags=["kiosks"])


@router.post(
    "/events", dependencies=[need(Permission.CHECK_IN)], status_code=status.HTTP_201_CREATED
)
def gate_event(
    body: GateEventCreate,
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    token: PrincipalDep,
) -> GateEventRead:
    """A student seen at the school gate, by a kiosk token made for that school's gate only.

    A student not yet arrived today arrives at school (whatever the hour: an afternoon shift),
    on their first session of the day not yet ended; one who arrived leaves (`left`, on the
    last session of the day they arrived at) once past `ATTEND_KIOSK__GATE_CHECKOUT_AFTER`
    (local, "11:00" by default); source `gate`; the key only de-duplicates.
    The same key again is a no-op (200), as is a second arrival or departure. A student with
    no session of that school that day is refused (403 `GATE_NOT_STUDENT`); nothing to record
    (every session over, or not arrived before leaving) is 409 `GATE_NOTHING_TO_RECORD`.
    """
    if token.role != KIOSK or token.gate is None:
        raise Forbidden(
            "Chỉ kiosk cổng trường (mã kiosk tạo với gate) mới gửi được lượt qua cổng. "
            "Only a school gate's kiosk (a kiosk token made with a gate) posts gate events."
        )
    zone = services.settings.timezone
    now = utcnow()
    with services.metrics.refusals(GATE):
        done = record_gate_sighting(
            session,
            school=token.gate,
            person_id=body.person_id,
            at=as_utc(body.at, zone) if body.at else now,
            now=now,
            zone=zone,
            checkout_after=services.settings.kiosk.gate_checkout_after,
            idempotency_key=scoped_key(token, body.idempotency_key),
            by=token.name,
            rules=services.settings.checkin.rules(),
            similarity=body.similarity,
            margin=body.margin,
        )
    services.metrics.checked_in(GATE, created=done.created)
    event = done.event
    if not done.created:
        response.status_code = status.HTTP_200_OK
    return GateEventRead(
        direction="out" if done.direction == "out" else "in",
        id=event.id,
        meeting_id=event.meeting_id,
        person_id=event.person_id,
        kind=event.kind,
        at=local(event.at, zone),
        source=event.source,
        idempotency_key=sent_key(token, event.idempotency_key),
        created=done.created,
    )
