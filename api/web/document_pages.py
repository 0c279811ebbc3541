"""The secretary's documents pages: a meeting's files by agenda item, uploads, new versions,
order, details and removal, and who among the delegates read each one."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.errors import status_for
from api.web.document_forms import item_id_of, moved_order, upload_of, visibility_of
from api.web.document_view import document_groups, limits_text, size_text
from api.web.errors import page_error
from api.web.forms import Text
from api.web.render import render
from attendance.agenda import agenda
from attendance.documents.service import (
    add_document,
    add_version,
    delete_document,
    documents,
    readable,
    reads,
    reorder,
    update_document,
)
from attendance.documents.tables import MEMBERS
from attendance.documents.uploads import too_large
from attendance.errors import DomainError
from attendance.meetings import get_meeting
from attendance.permissions import Permission, Principal

router = APIRouter(include_in_schema=False)
FileField = Annotated[UploadFile | None, File()]
STAFF = "staff"  # the audience that sees every document (documents(..., audience=))
# The pages' uploads: a new document, a new version.
UPLOAD_POSTS = re.compile(r"^/meetings/(\d+)/documents(?:/\d+/versions)?$")
TOO_LARGE = "too_large"  # ?refused=: the body limit turned the upload away (refused_upload)


@router.get(
    "/meetings/{meeting_id}/documents", dependencies=[need(Permission.READ_MEETINGS, page=True)]
)
def documents_page(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    refused = None
    if request.query_params.get("refused") == TOO_LARGE:
        refused = too_large(None, services.settings.documents)
    return _page(request, session, services, staff, meeting_id, refused, status_code=200)


def refused_upload(request: Request, status: int, reason: str, detail: str) -> Response:
    """The pages' answer to a request refused before any route ran (`api.web.errors.
    page_error`), except an upload from the documents page too large for the body limit
    (api/limits.py): that one goes back to the documents page, with its menu and the limits,
    which says why. The body was not read, so what was typed cannot come back; the page's
    file field refuses such a file before it is sent (data-max-bytes, static/app.js)."""
    found = UPLOAD_POSTS.match(request.url.path)
    if status == 413 and request.method == "POST" and found is not None:
        target = f"/meetings/{found.group(1)}/documents?refused={TOO_LARGE}#upload"
        return RedirectResponse(target, status_code=303)
    return page_error(request, status, reason, detail)


def _page(
    request: Request,
    session: Session,
    services: ServicesDep,
    staff: Principal,
    meeting_id: int,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
    status_code: int | None = None,
) -> Response:
    meeting = get_meeting(session, meeting_id=meeting_id)
    items = agenda(session, meeting_id=meeting_id)
    views = documents(session, meeting_id=meeting_id, audience=STAFF)
    return render(
        request,
        "documents.html",
        staff=staff,
        status_code=status_code or (status_for(error) if error else 200),
        error=error.message if error else None,
        meeting=meeting,
        items=items,
        max_bytes=services.settings.documents.max_file_mb * 1024 * 1024,
        too_large=too_large(None, services.settings.documents).message,
        groups=document_groups(views, items),
        limits=limits_text(services.settings, views),
        size=size_text,
        # The upload form keeps what was typed when a file is refused (the file itself cannot).
        form=form or {"title": "", "agenda_item_id": "", "visibility": MEMBERS, "watermark": ""},
    )


@router.post(
    "/meetings/{meeting_id}/documents", dependencies=[need(Permission.MANAGE_DOCUMENTS, page=True)]
)
def upload(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    file: FileField = None,
    title: Text = "",
    agenda_item_id: Text = "",
    visibility: Text = MEMBERS,
    watermark: Text = "",
) -> Response:
    typed = {
        "title": title,
        "agenda_item_id": agenda_item_id,
        "visibility": visibility,
        "watermark": watermark,
    }
    try:
        sent = upload_of(file, services.settings)
        add_document(
            session,
            services.documents,
            services.settings.documents,
            meeting_id=meeting_id,
            title=title,  # empty: the cleaned file name (the domain's)
            upload=sent,
            actor=staff.actor,
            agenda_item_id=item_id_of(agenda_item_id),
            visibility=visibility_of(visibility),
            watermark=bool(watermark),
        )
    except DomainError as exc:
        session.rollback()
        return _page(request, session, services, staff, meeting_id, exc, typed)
    return RedirectResponse(f"/meetings/{meeting_id}/documents?ok=document_added", status_code=303)


@router.post(
    "/meetings/{meeting_id}/documents/{doc_id}/versions",
    dependencies=[need(Permission.MANAGE_DOCUMENTS, page=True)],
)
def new_version(
    meeting_id: int,
    doc_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    file: FileField = None,
) -> Response:
    try:
        add_version(
            session,
            services.documents,
            services.settings.documents,
            meeting_id=meeting_id,
            document_id=doc_id,
            upload=upload_of(file, services.settings),
            actor=staff.actor,
        )
    except DomainError as exc:
        session.rollback()
        return _page(request, session, services, staff, meeting_id, exc)
    return _back(meeting_id, doc_id, "document_version")


@router.post(
    "/meetings/{meeting_id}/documents/{doc_id}/details",
    dependencies=[need(Permission.MANAGE_DOCUMENTS, page=True)],
)
def details(
    meeting_id: int,
    doc_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    title: Text = "",
    agenda_item_id: Text = "",
    visibility: Text = MEMBERS,
    watermark: Text = "",
) -> Response:
    try:
        update_document(
            session,
            meeting_id=meeting_id,
            document_id=doc_id,
            actor=staff.actor,
            title=title,
            agenda_item_id=item_id_of(agenda_item_id),
            visibility=visibility_of(visibility),
            watermark=bool(watermark),
        )
    except DomainError as exc:
        session.rollback()
        return _page(request, session, services, staff, meeting_id, exc)
    return _back(meeting_id, doc_id, "document_saved")


@router.post(
    "/meetings/{meeting_id}/documents/{doc_id}/move",
    dependencies=[need(Permission.MANAGE_DOCUMENTS, page=True)],
)
def move(
    meeting_id: int,
    doc_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    direction: Text = "",
    position: Text = "",
) -> Response:
    """One step up or down among the documents of the same agenda item. `position` is where
    the page showed it: a second click of the same button (a double click, a form sent
    again) finds it moved already and does nothing."""
    try:
        views = documents(session, meeting_id=meeting_id, audience=STAFF)
        ids = moved_order([v.document.id for v in views], views, doc_id, direction, position)
        if ids is not None:
            reorder(session, meeting_id=meeting_id, document_ids=ids, actor=staff.actor)
    except DomainError as exc:
        session.rollback()
        return _page(request, session, services, staff, meeting_id, exc)
    return _back(meeting_id, doc_id, "document_moved")


@router.post(
    "/meetings/{meeting_id}/documents/{doc_id}/remove",
    dependencies=[need(Permission.MANAGE_DOCUMENTS, page=True)],
)
def remove(
    meeting_id: int,
    doc_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
) -> Response:
    try:
        delete_document(
            session,
            services.documents.root,
            meeting_id=meeting_id,
            document_id=doc_id,
            actor=staff.actor,
        )
    except DomainError as exc:
        session.rollback()
        return _page(request, session, services, staff, meeting_id, exc)
    return RedirectResponse(
        f"/meetings/{meeting_id}/documents?ok=document_removed", status_code=303
    )


@router.get(
    "/meetings/{meeting_id}/documents/{doc_id}/reads",
    dependencies=[need(Permission.READ_MEETING_AUDIT, page=True)],
)
def reads_page(
    meeting_id: int,
    doc_id: int,
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
) -> Response:
    view = readable(session, staff, meeting_id=meeting_id, document_id=doc_id)
    return render(
        request,
        "document_reads.html",
        staff=staff,
        meeting=get_meeting(session, meeting_id=meeting_id),
        view=view,
        reads=reads(session, meeting_id=meeting_id, document_id=doc_id),
    )


def _opened_again(action: str) -> Any:
    return router.get(
        f"/meetings/{{meeting_id}}/documents/{{doc_id}}/{action}",
        dependencies=[need(Permission.READ_MEETINGS, page=True)],
    )


@_opened_again("versions")
@_opened_again("details")
@_opened_again("move")
@_opened_again("remove")
def after_post(meeting_id: int, doc_id: int, staff: PrincipalDep) -> Response:
    """The address of a form post opened again (history, a bookmark): the documents page."""
    return RedirectResponse(f"/meetings/{meeting_id}/documents", status_code=303)


def _back(meeting_id: int, doc_id: int, done: str) -> Response:
    anchor = f"#document-{doc_id}"
    return RedirectResponse(f"/meetings/{meeting_id}/documents?ok={done}{anchor}", status_code=303)
