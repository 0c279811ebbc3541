"""A meeting's documents: staff upload, replace, order and remove them; staff, a delegate's
voting link and the room's board (public ones) read them. The rules are the domain's
(attendance/documents/service.py); these routes translate."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from api.convert_documents import document_read, download_name, read_entry
from api.deps import ActorDep, PrincipalDep, ServicesDep, SessionDep, need
from api.download import content_disposition
from api.schemas_documents import (
    AgendaEntry,
    DocumentList,
    DocumentOrder,
    DocumentRead,
    DocumentUpdate,
    ReadList,
)
from api.services import Services
from attendance import permissions as kinds
from attendance.agenda import agenda
from attendance.documents.content import with_extension
from attendance.documents.service import (
    UNSET,
    DocumentView,
    Upload,
    add_document,
    add_version,
    delete_document,
    documents,
    readable,
    reads,
    record_read,
    reorder,
    too_large,
    update_document,
)
from attendance.documents.tables import FILE
from attendance.documents.watermark import stamp, stamp_lines
from attendance.errors import Invalid, NotFound
from attendance.meetings import get_meeting
from attendance.orm import utcnow
from attendance.people import get_person
from attendance.permissions import Permission, Principal

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/meetings/{meeting_id}/documents", tags=["documents"])
READ = need(Permission.READ_MEETINGS, voting_link=True, board_link=True)
MANAGE = need(Permission.MANAGE_DOCUMENTS)
INLINE_KINDS = frozenset({"pdf", "jpeg", "png"})  # a browser shows these itself

FileField = Annotated[UploadFile | None, File(description="PDF, DOCX, XLSX, JPEG or PNG")]


@router.post("", dependencies=[MANAGE], status_code=status.HTTP_201_CREATED)
def upload(
    meeting_id: int,
    session: SessionDep,
    services: ServicesDep,
    actor: ActorDep,
    file: FileField = None,
    title: Annotated[str, Form(max_length=300)] = "",
    agenda_item_id: Annotated[str, Form(max_length=20, description="empty: the meeting")] = "",
    visibility: Annotated[Literal["members", "public"], Form()] = "members",
    watermark: Annotated[bool, Form()] = False,
) -> DocumentRead:
    """A new document (multipart `file`; `title`, else the file's name), last in the order.
    The type is told by the content; limits: ATTEND_DOCUMENTS__MAX_FILE_MB per file,
    ATTEND_DOCUMENTS__MAX_MEETING_MB per meeting (every version counts)."""
    sent = _upload(services, file)
    view = add_document(
        session,
        services.documents,
        services.settings.documents,
        meeting_id=meeting_id,
        title=title,  # empty: the cleaned file name (the domain's)
        upload=sent,
        actor=actor,
        agenda_item_id=_item_id(agenda_item_id),
        visibility=visibility,
        watermark=watermark,
    )
    return document_read(view, services.settings.timezone, staff=True)


@router.get("", dependencies=[READ])
def list_documents(
    meeting_id: int, session: SessionDep, services: ServicesDep, caller: PrincipalDep
) -> DocumentList:
    """The agenda and the documents in their order: staff all of them (with every version),
    a voting link its meeting's members-only and public ones, a board link (`?key=`) the
    public ones."""
    audience = _audience(session, caller, meeting_id)
    views = documents(session, meeting_id=meeting_id, audience=audience)
    return _listing(session, services, meeting_id, views, staff=audience == "staff")


@router.put("/order", dependencies=[MANAGE])
def order(
    meeting_id: int,
    body: DocumentOrder,
    session: SessionDep,
    services: ServicesDep,
    actor: ActorDep,
) -> DocumentList:
    """Every document of the meeting, each once, in the new order."""
    views = reorder(session, meeting_id=meeting_id, document_ids=body.document_ids, actor=actor)
    return _listing(session, services, meeting_id, views, staff=True)


def _listing(
    session: Session, services: Services, meeting_id: int, views: list[DocumentView], *, staff: bool
) -> DocumentList:
    """The meeting's agenda with `views` in their order (with every version for staff)."""
    zone = services.settings.timezone
    return DocumentList(
        meeting_id=meeting_id,
        agenda=[
            AgendaEntry(id=item.id, position=item.position, title=item.title)
            for item in agenda(session, meeting_id=meeting_id)
        ],
        documents=[document_read(v, zone, staff=staff) for v in views],
    )


@router.get("/{doc_id}", dependencies=[READ], response_class=Response)
def download(
    meeting_id: int,
    doc_id: int,
    session: SessionDep,
    services: ServicesDep,
    caller: PrincipalDep,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    inline: bool = False,
) -> Response:
    """The file of the current version (`?version=N`: an earlier one, staff only), saved
    under its Vietnamese name; `?inline=true` shows a PDF or an image in the browser. A
    delegate's and the board's reads are recorded; a delegate's copy of a `watermark` PDF
    carries their name and the time on every page."""
    view = readable(session, caller, meeting_id=meeting_id, document_id=doc_id, version=version)
    shown = view.version
    path = services.documents.path(shown.sha256)
    if not path.is_file():
        logger.error("document %s version %s: its file is missing", doc_id, shown.number)
        raise NotFound(
            "Tệp của tài liệu này không còn trong thư mục tài liệu của máy chủ; quản trị viên "
            "cần khôi phục từ bản sao lưu. This document's file is missing from the server's "
            "documents folder; an administrator needs to restore it from a backup."
        )
    kind = "inline" if inline and shown.kind in INLINE_KINDS else "attachment"
    named = with_extension(shown.filename, shown.kind)  # one kept before names were made so
    headers = {
        "Content-Disposition": content_disposition(named, download_name(named), kind=kind),
        # A link's reads are each recorded, and a document can be confidential: no cache
        # keeps a copy.
        "Cache-Control": "private, no-store",
    }
    stamped = _delegate_copy(session, services, caller, view, path.read_bytes)
    if caller.kind in (kinds.VOTING_LINK, kinds.BOARD_LINK):
        record_read(session, caller, view, what=FILE)
    if stamped is not None:
        return Response(stamped, media_type=shown.media_type, headers=headers)
    return FileResponse(path, media_type=shown.media_type, headers=headers)


@router.patch("/{doc_id}", dependencies=[MANAGE])
def change(
    meeting_id: int,
    doc_id: int,
    body: DocumentUpdate,
    session: SessionDep,
    services: ServicesDep,
    actor: ActorDep,
) -> DocumentRead:
    """Title, agenda item (`null`: the meeting as a whole), visibility, watermark: the fields
    given are changed, the others kept."""
    given = body.model_fields_set
    if "title" in given and body.title is None:
        raise Invalid("Tài liệu cần có tên. The document needs a title.", code="INVALID")
    view = update_document(
        session,
        meeting_id=meeting_id,
        document_id=doc_id,
        actor=actor,
        title=body.title,
        agenda_item_id=body.agenda_item_id if "agenda_item_id" in given else UNSET,
        visibility=body.visibility,
        watermark=body.watermark,
    )
    return document_read(view, services.settings.timezone, staff=True)


@router.post("/{doc_id}/versions", dependencies=[MANAGE], status_code=status.HTTP_201_CREATED)
def new_version(
    meeting_id: int,
    doc_id: int,
    session: SessionDep,
    services: ServicesDep,
    actor: ActorDep,
    file: FileField = None,
) -> DocumentRead:
    """A new version (multipart `file`): shown from now on; the earlier ones stay for staff."""
    view = add_version(
        session,
        services.documents,
        services.settings.documents,
        meeting_id=meeting_id,
        document_id=doc_id,
        upload=_upload(services, file),
        actor=actor,
    )
    return document_read(view, services.settings.timezone, staff=True)


@router.delete(
    "/{doc_id}",
    dependencies=[MANAGE],
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def remove(
    meeting_id: int, doc_id: int, session: SessionDep, services: ServicesDep, actor: ActorDep
) -> None:
    """The document, its versions and its reads; its files leave the folder once this is
    committed (a file another document also holds stays)."""
    delete_document(
        session, services.documents.root, meeting_id=meeting_id, document_id=doc_id, actor=actor
    )


@router.get("/{doc_id}/reads", dependencies=[need(Permission.READ_MEETING_AUDIT)])
def document_reads(
    meeting_id: int, doc_id: int, session: SessionDep, services: ServicesDep
) -> ReadList:
    """Who read the document (delegates through their link, the board), when, which version;
    newest first."""
    zone = services.settings.timezone
    found = reads(session, meeting_id=meeting_id, document_id=doc_id)
    return ReadList(reads=[read_entry(r, zone) for r in found])


def _delegate_copy(
    session: Session,
    services: Services,
    caller: Principal,
    view: DocumentView,
    read: Callable[[], bytes],
) -> bytes | None:
    """A delegate's copy of a `watermark` PDF, with their name and the time on every page
    (None: the file is sent as it is kept)."""
    if caller.voter is None or not view.document.watermark or view.version.kind != "pdf":
        return None
    person_id = caller.voter.person_id
    name = get_person(session, person_id=person_id).full_name
    lines = stamp_lines(name, person_id, utcnow(), zone=services.settings.timezone)
    return stamp(read(), lines=lines)


def _audience(session: Session, caller: Principal, meeting_id: int) -> str:
    if caller.kind == kinds.VOTING_LINK:
        if caller.meeting_id != meeting_id:  # another meeting's link learns nothing of it
            raise NotFound(f"Không có cuộc họp số {meeting_id}. No meeting with id {meeting_id}.")
        return "member"
    get_meeting(session, meeting_id=meeting_id)
    return "public" if caller.kind == kinds.BOARD_LINK else "staff"


def _upload(services: Services, file: UploadFile | None) -> Upload:
    """The file's bytes, at most the per-file limit read (the body's size was bounded before
    it was read: api/limits.py)."""
    if file is None:
        raise Invalid(
            "Thiếu tệp tài liệu (trường 'file'). No file was sent (field 'file').",
            code="DOCUMENT_EMPTY",
        )
    limits = services.settings.documents
    most = limits.max_file_mb * 1024 * 1024
    data = file.file.read(most + 1)
    if len(data) > most:
        raise too_large(None, limits)
    return Upload(filename=file.filename or "", data=data)


def _item_id(raw: str) -> int | None:
    """A form's agenda item: empty (a form's "none" choice) is the meeting as a whole."""
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdecimal():
        raise Invalid(
            f"Mục chương trình '{raw}' không hợp lệ: cần số của mục, hoặc để trống. "
            f"The agenda item '{raw}' is not valid: give the item's number, or leave it empty.",
            code="INVALID",
        )
    return int(raw)
