"""The upload size limit, counted on the bytes that arrive, with or without Content-Length."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PageError, answers_json, error_body
from attendance.documents.service import too_large
from attendance.errors import STATUS_OF_CODE
from attendance.settings import Settings
from models.images import format_bytes

UPLOAD_SLACK = 64 * 1024  # multipart headers and form fields around the file
# A meeting's documents (the API's and the pages'): their own, larger, limit per file.
DOCUMENTS = re.compile(r"^(/api/v1)?/meetings/[^/]+/documents(/|$)")


class BodyLimit:
    """Refuses a request body larger than the upload limit: at once when Content-Length says
    so, else as soon as the bytes received pass it (a chunked upload declares no length),
    before the rest is read or written to a temporary file."""

    def __init__(self, app: ASGIApp, *, page_error: PageError) -> None:
        self.app = app
        self.page_error = page_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = scope["state"]["services"].settings
        documents = DOCUMENTS.match(scope["path"]) is not None
        allowed, detail = _limit(settings, documents=documents)
        limit = allowed + UPLOAD_SLACK
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await self._refuse(scope, detail, documents=documents)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, detail=detail)
            return message

        await self.app(scope, counted, send)

    def _refuse(self, scope: Scope, detail: str, *, documents: bool) -> Response:
        request = Request(scope)
        code = "DOCUMENT_TOO_LARGE" if documents else "IMAGE_TOO_LARGE"
        status = STATUS_OF_CODE[code]
        if not answers_json(request.url.path):
            return self.page_error(
                request, status, "DOCUMENT_TOO_LARGE" if documents else "IMAGE_TOO_LARGE", detail
            )
        body = error_body("DOCUMENT_TOO_LARGE" if documents else "IMAGE_TOO_LARGE", detail)
        return JSONResponse(body, status_code=status)


def _limit(settings: Settings, *, documents: bool) -> tuple[int, str]:
    """The bytes a request may send (besides the slack), and the message of its refusal."""
    if documents:
        allowed = settings.documents.max_file_mb * 1024 * 1024
        return allowed, too_large(None, settings.documents).message
    allowed = settings.limits.max_upload_bytes
    size = format_bytes(allowed)  # the configured limit, not the slack for form fields
    return allowed, f"Tệp gửi lên vượt quá {size}. The upload exceeds {size}."
