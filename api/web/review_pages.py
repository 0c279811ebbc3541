"""The review queue: uncertain matches with their face crop; confirm or reject each."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.errors import status_for
from api.web.forms import Text
from api.web.held_links import HeldLink
from api.web.render import render
from api.web.voting_links import held_for_page, show_once
from attendance.audit_view import source_text
from attendance.errors import DomainError, NotFound
from attendance.meetings import get_meeting
from attendance.permissions import Permission
from attendance.review.service import get_review, pending_reviews, reject_review
from attendance.templates import enrolled_faces
from usecases.reviews import confirm_and_check_in

router = APIRouter(include_in_schema=False)


@router.get("/meetings/{meeting_id}/review", dependencies=[need(Permission.REVIEW, page=True)])
def review_page(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    issued, gone = held_for_page(request, services, staff, meeting_id=meeting_id)
    zone = services.settings.timezone
    page = _page(request, session, zone, staff, meeting_id, issued=issued, gone=gone)
    return page  # render() marks every page no-store: the link shown is not kept


def _page(
    request: Request,
    session: SessionDep,
    zone: str,
    staff: PrincipalDep,
    meeting_id: int,
    error: DomainError | None = None,
    issued: HeldLink | None = None,
    gone: bool = False,
) -> Response:
    meeting = get_meeting(session, meeting_id=meeting_id)
    items = pending_reviews(session, meeting_id=meeting_id)
    people = [p for i in items for p in (i.candidate_id, i.runner_up_id) if p is not None]
    return render(
        request,
        "review.html",
        staff=staff,
        zone=zone,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        meeting=meeting,
        items=items,
        # The candidate's (and runner-up's) enrolled face beside the face seen: a secretary
        # compares two faces, not a face with a name.
        enrolled=enrolled_faces(session, person_ids=people),
        sources={i.id: source_text(i.source) for i in items},
        issued=issued,
        issued_gone=gone,
    )


@router.get("/review/{item_id}/crop.jpg", dependencies=[need(Permission.REVIEW, page=True)])
def crop(item_id: int, session: SessionDep, staff: PrincipalDep) -> Response:
    item = get_review(session, item_id=item_id)
    if item.crop_jpeg is None:
        raise NotFound("Ảnh đã được xóa. The face crop has been deleted.")
    # Biometric data: never cached by the browser or anything in between.
    return Response(item.crop_jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.post("/review/{item_id}/confirm", dependencies=[need(Permission.REVIEW, page=True)])
def confirm(
    item_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    note: Text = "",
) -> Response:
    return _resolve(request, session, services, staff, item_id, note, confirm=True)


@router.post("/review/{item_id}/reject", dependencies=[need(Permission.REVIEW, page=True)])
def reject(
    item_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    note: Text = "",
) -> Response:
    return _resolve(request, session, services, staff, item_id, note, confirm=False)


@router.get("/review/{item_id}/confirm", dependencies=[need(Permission.REVIEW, page=True)])
@router.get("/review/{item_id}/reject", dependencies=[need(Permission.REVIEW, page=True)])
def after_resolve(item_id: int, session: SessionDep, staff: PrincipalDep) -> Response:
    """The address of a form post, opened again (history, a bookmark): the queue's page."""
    meeting_id = get_review(session, item_id=item_id).meeting_id
    return RedirectResponse(f"/meetings/{meeting_id}/review", status_code=303)


def _resolve(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    item_id: int,
    note: str,
    *,
    confirm: bool,
) -> Response:
    meeting_id = get_review(session, item_id=item_id).meeting_id
    zone = services.settings.timezone
    reason = note[:500] or None
    confirmed = None
    try:
        if confirm:
            confirmed = confirm_and_check_in(
                session,
                item_id=item_id,
                actor=staff.actor,
                role=staff.role,
                note=reason,
                rules=services.settings.checkin.rules(),
            )
        else:
            reject_review(session, item_id=item_id, actor=staff.actor, note=reason)
    except DomainError as exc:
        session.rollback()
        return _page(request, session, zone, staff, meeting_id, exc)
    if confirmed is not None and (confirmed.voting_token or confirmed.voting_link_held):
        # A secretary confirming is staff checking in: the link is theirs to hand over, shown
        # once after the redirect; or the link issued earlier still works, and it says so.
        return show_once(
            request,
            services,
            staff,
            page=f"/meetings/{meeting_id}/review",
            meeting_id=meeting_id,
            person=confirmed.item.candidate,
            token=confirmed.voting_token,
            checked_in=True,
        )
    done = "confirmed" if confirm else "rejected"
    return RedirectResponse(f"/meetings/{meeting_id}/review?ok={done}", status_code=303)
