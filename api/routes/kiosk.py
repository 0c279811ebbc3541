"""Kiosk tokens (admin) and gallery sync (kiosk): only what a room's (or a school gate's) kiosk
needs travels."""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.convert import local
from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.schemas import (
    KioskArrivalRead,
    KioskArrivalsRead,
    KioskGalleryRead,
    KioskMeetingArrivalsRead,
    KioskMeetingRead,
    KioskPersonRead,
    KioskTokenCreate,
    KioskTokenCreated,
    TemplateData,
    TemplateRef,
    TemplatesRead,
    TemplatesRequest,
    TokenRead,
)
from attendance.checkin_window import checkin_window
from attendance.consent_tables import MEETINGS, SCHOOL_ATTENDANCE
from attendance.errors import Forbidden, Invalid
from attendance.fusion import MIN_PAIRS
from attendance.kiosk_sync import KioskScope, kiosk_scope, room_arrivals, templates_for_kiosk
from attendance.orm import ApiToken, utcnow
from attendance.permissions import Permission, Principal
from attendance.templates import opened_templates
from attendance.tokens import KIOSK, create_kiosk_token, list_tokens, revoke_token

admin = APIRouter(prefix="/kiosk-tokens", tags=["kiosks"])
sync = APIRouter(prefix="/kiosk", tags=["kiosks"])


def token_read(row: ApiToken) -> TokenRead:
    return TokenRead(
        id=row.id,
        name=row.name,
        role=row.role,
        room=row.room,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        gate=row.gate,
    )


@admin.post("", dependencies=[need(Permission.MANAGE_KIOSKS)], status_code=status.HTTP_201_CREATED)
def create(body: KioskTokenCreate, session: SessionDep) -> KioskTokenCreated:
    row, token = create_kiosk_token(session, name=body.name, room=body.room, gate=body.gate)
    return KioskTokenCreated(**token_read(row).model_dump(), token=token)


@admin.get("", dependencies=[need(Permission.MANAGE_KIOSKS)])
def index(session: SessionDep) -> list[TokenRead]:
    return [token_read(row) for row in list_tokens(session)]


@admin.delete("/{token_id}", dependencies=[need(Permission.MANAGE_KIOSKS)])
def revoke(token_id: int, session: SessionDep) -> TokenRead:
    return token_read(revoke_token(session, token_id=token_id))


def _room(token: Principal, requested: str | None) -> str | None:
    """The room whose kiosk is asking; None for a school gate's kiosk (`token.gate`)."""
    if token.role != KIOSK:
        if not requested:
            raise Invalid("Cần chỉ rõ phòng (room). Name the room (room=...).")
        return requested
    if token.gate is not None:
        if requested is not None:
            raise Forbidden(
                f"Mã kiosk này dành cho cổng trường {token.gate!r}, không phải một phòng; hãy "
                f"bỏ --room. This kiosk token is for the school gate of {token.gate!r}, not a "
                "room; leave out --room."
            )
        return None
    assert token.room is not None
    if requested is not None and requested != token.room:
        # Said rather than ignored: a kiosk started for one room must not quietly serve another.
        raise Forbidden(
            f"Mã kiosk này dành cho phòng {token.room!r}, không phải {requested!r}; hãy bỏ "
            "--room hoặc dùng mã của phòng đó. "
            f"This kiosk token is for room {token.room!r}, not {requested!r}; leave out "
            "--room or use that room's token."
        )
    return token.room


def _gate(token: Principal) -> str | None:
    return token.gate if token.role == KIOSK else None


def _scope(
    services: ServicesDep,
    session: SessionDep,
    token: Principal,
    model: str | None,
    room: str | None,
) -> KioskScope:
    return kiosk_scope(
        session,
        room=_room(token, room) or "",
        model_key=model or services.pipeline.identity.key,
        now=utcnow(),
        zone=services.settings.timezone,
        others_limit=services.settings.kiosk.others_limit,
        gate=_gate(token),
    )


@sync.get(
    "/gallery",
    dependencies=[need(Permission.SYNC_GALLERY)],
    response_model=KioskGalleryRead,
    responses={304: {"description": "Nothing changed since that ETag"}},
)
def gallery(
    request: Request,
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    token: PrincipalDep,
    model: Annotated[str | None, Query(max_length=200)] = None,
    room: Annotated[str | None, Query(max_length=200)] = None,
) -> KioskGalleryRead | Response:
    """Today's meetings in the kiosk's room, their rosters, and the template manifest; for a
    school gate's kiosk, today's sessions of every class of the school, with `gate` and
    `gate_checkout_after` set."""
    scope = _scope(services, session, token, model, room)
    rules = services.settings.checkin.rules()
    zone = services.settings.timezone
    checkout = services.settings.kiosk.gate_checkout_after.strftime("%H:%M")
    stats = _score_stats(services, session, scope)
    # The windows and the zone travel too: a changed setting must reach every kiosk. So do the
    # statistics, but only when they move by 0.0001 or cross MIN_PAIRS: each enrollment
    # anywhere changes them a little, and should not resend every kiosk's manifest.
    moved = None if stats is None else (stats["mean"], stats["std"], stats["pairs"] >= MIN_PAIRS)
    told = f"{scope.etag}:{rules}:{zone}:{checkout}:{moved}"
    tag = hashlib.sha256(told.encode()).hexdigest()[:32]
    unchanged = _not_modified(request, response, tag)
    if unchanged is not None:
        return unchanged
    windows = {m.meeting.id: checkin_window(m.meeting, rules) for m in scope.meetings}
    return KioskGalleryRead(
        room=scope.room,
        model=scope.model_key,
        etag=tag,
        meetings=[
            KioskMeetingRead(
                id=m.meeting.id,
                title=m.meeting.title,
                starts_at=local(m.meeting.starts_at, zone),
                ends_at=local(m.meeting.ends_at, zone),
                late_after_minutes=m.meeting.late_after_minutes,
                person_ids=list(m.person_ids),
                checkin_opens_at=local(windows[m.meeting.id].opens_at, zone),
                checkin_closes_at=local(windows[m.meeting.id].closes_at, zone),
            )
            for m in scope.meetings
        ],
        people=[
            KioskPersonRead(id=p.id, full_name=p.full_name, title=p.title, unit=p.unit)
            for p in scope.people
        ],
        templates=[TemplateRef(id=t, person_id=p) for t, p in scope.template_ids],
        timezone=zone,
        kiosk_name=token.name if token.role == KIOSK else None,
        gate=scope.gate,
        gate_checkout_after=checkout if scope.gate is not None else None,
        score_stats=None if stats is None else {scope.model_key: stats},
    )


def _score_stats(
    services: ServicesDep, session: SessionDep, scope: KioskScope
) -> dict[str, float] | None:
    """The impostor statistics of the server's whole gallery of the manifest's model and the
    kiosk's purpose (a gate's: school attendance), never embeddings; None when the server
    does not fuse this model (the kiosk then uses the calibration's priors)."""
    purpose = SCHOOL_ATTENDANCE if scope.gate is not None else MEETINGS
    stats = services.score_stats(session, model_key=scope.model_key, purpose=purpose)
    if stats is None:
        return None
    return {"mean": round(stats.mean, 4), "std": round(stats.std, 4), "pairs": stats.pairs}


@sync.get(
    "/arrivals",
    dependencies=[need(Permission.SYNC_GALLERY)],
    response_model=KioskArrivalsRead,
    responses={304: {"description": "Nothing changed since that ETag"}},
)
def arrivals(
    request: Request,
    response: Response,
    session: SessionDep,
    services: ServicesDep,
    token: PrincipalDep,
    room: Annotated[str | None, Query(max_length=200)] = None,
) -> KioskArrivalsRead | Response:
    """Who is present now in today's meetings in the kiosk's room, with their first arrival,
    however they came in (by hand, a photo, another kiosk). Small, for a poll every few
    seconds (send the `ETag` back as `If-None-Match`: `304` while nothing changed); it is also
    how a running kiosk learns soon that its token was revoked (`401`)."""
    zone = services.settings.timezone
    found = room_arrivals(
        session, room=_room(token, room), now=utcnow(), zone=zone, gate=_gate(token)
    )
    listed = [(meeting_id, sorted(people.items())) for meeting_id, people in found.items()]
    # Most polls change nothing: the tag first, the answer only when it is sent.
    tag = hashlib.sha256(repr((zone, listed)).encode()).hexdigest()[:32]
    unchanged = _not_modified(request, response, tag)
    if unchanged is not None:
        return unchanged
    meetings = [
        KioskMeetingArrivalsRead(
            meeting_id=meeting_id,
            arrivals=[KioskArrivalRead(person_id=p, at=local(at, zone)) for p, at in people],
        )
        for meeting_id, people in listed
    ]
    return KioskArrivalsRead(etag=tag, meetings=meetings)


def _not_modified(request: Request, response: Response, tag: str) -> Response | None:
    """`304` when the caller holds this tag already; else the tag goes with the answer."""
    etag = f'"{tag}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    response.headers["ETag"] = etag
    return None


@sync.post("/templates", dependencies=[need(Permission.SYNC_GALLERY)])
def templates(
    body: TemplatesRequest, session: SessionDep, services: ServicesDep, token: PrincipalDep
) -> TemplatesRead:
    """The embeddings of the listed templates; every one must be in the kiosk's scope."""
    scope = _scope(services, session, token, body.model, body.room)
    rows = opened_templates(session, templates_for_kiosk(session, scope=scope, ids=body.ids))
    return TemplatesRead(  # sealed at rest, plain float32 over the wire (kiosks match locally)
        model=scope.model_key,
        templates=[
            TemplateData(
                id=t.id,
                person_id=t.person_id,
                dim=t.dim,
                embedding=base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii"),
            )
            for t, vector in rows
        ],
    )
