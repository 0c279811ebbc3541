"""A document's pages as images, for the phone page's viewer: a delegate reads a PDF in the
page, without a PDF app and without the file on the phone (a watermarked one stamped)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import PrincipalDep, ServicesDep, need
from api.services import Services
from attendance import permissions as kinds
from attendance.db import unit_of_work
from attendance.documents.pages import PageImages, clamp_width, render_page
from attendance.documents.viewing import page_source
from attendance.documents.watermark import stamp_page
from attendance.errors import NotFound
from attendance.permissions import Permission

router = APIRouter(prefix="/meetings/{meeting_id}/documents", tags=["documents"])

# A delegate's stamped pages, kept a short while in this process: leafing back and forth
# through a watermarked PDF asks for the same page again within the minute, and stamping
# and drawing it again cost some 150 ms each time (docs/benchmarks.md). The key holds the
# stamp's very lines (the delegate's name and number, the minute), so an image is only ever
# given for the stamp it carries; the next minute asks for new ones and these age out.
STAMPED_PAGES = PageImages(max_bytes=16 * 1024 * 1024)


@router.get(
    "/{doc_id}/pages/{n}",
    dependencies=[need(Permission.READ_MEETINGS, voting_link=True, board_link=True)],
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def page_image(
    meeting_id: int,
    doc_id: int,
    n: int,
    caller: PrincipalDep,
    services: ServicesDep,
    width: Annotated[int | None, Query(description="Pixels, 320..1600")] = None,
) -> Response:
    """Page `n` (from 1) of the document's current version as a PNG `width` pixels wide
    (kept within 320..1600, rounded up to a multiple of 80); a delegate's copy of a
    watermarked document carries their name and the time."""
    # The reading (and a delegate's view recorded) commits before the drawing: the database
    # connection is not held while pages wait for PDFium, which draws one at a time.
    with unit_of_work(services.sessions) as session:
        source = page_source(
            session,
            caller,
            meeting_id=meeting_id,
            document_id=doc_id,
            number=n,
            zone=services.settings.timezone,
        )
    store = services.documents
    if not store.exists(source.sha256):
        raise NotFound(
            "Tệp của tài liệu này không còn trên máy chủ; hãy báo thư ký tải lên lại. "
            "This document's file is missing on the server; ask the secretary to upload it again."
        )
    size = clamp_width(width)
    if source.stamp is not None:
        # A delegate's own copy: never in the shared cache, only in theirs (STAMPED_PAGES).
        key = ("\n".join([source.sha256, *source.stamp]), n, size)
        image = STAMPED_PAGES.get(key)
        if image is None:
            one_page = stamp_page(store.path(source.sha256), n, lines=source.stamp)
            image = render_page(one_page, 1, width=size)
            STAMPED_PAGES.put(key, image)
    else:
        image = _stored_page(services, source.sha256, n, size)
    link = caller.kind in (kinds.VOTING_LINK, kinds.BOARD_LINK)
    return Response(
        image,
        media_type="image/png",
        # A link's images stay off shared and disk caches (a phone passed round, a proxy);
        # staff's are checked again each time, as a new version may replace the page.
        headers={
            "Cache-Control": "private, no-store" if link else "private, no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _stored_page(services: Services, sha256: str, number: int, width: int) -> bytes:
    """A page of the file as stored, drawn once for everyone who reads it (services.page_images)."""
    key = (sha256, number, width)
    image = services.page_images.get(key)
    if image is None:
        image = render_page(services.documents.path(sha256), number, width=width)
        services.page_images.put(key, image)
    return image
