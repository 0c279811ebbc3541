"""The upload size limit, counted on the bytes that arrive, with or without Content-Length;
and, before a document upload's body (up to ATTEND_DOCUMENTS__MAX_FILE_MB) is read, a caller
with no credential at all is refused and only a few such uploads are read at once."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.cookies import SESSION_COOKIE
from api.errors import PageError, answers_json, error_body
from attendance.documents.service import too_large
from attendance.errors import STATUS_OF_CODE
from attendance.settings import Settings
from models.images import format_bytes

UPLOAD_SLACK = 64 * 1024  # multipart headers and form fields around the file
# A meeting's documents (the API's and the pages'): their own, larger, limit per file, for
# the uploads (POST) only.
DOCUMENTS = re.compile(r"^(/api/v1)?/meetings/[^/]+/documents(/|$)")
# Document uploads read at once by one server process: each may spool 50 MB to a temporary
# file and be parsed. Beyond it: 503 with Retry-After (a secretary's page tries again).
MAX_DOCUMENT_UPLOADS = 4
UPLOADS_RETRY_AFTER = 5  # seconds
SIGN_IN = (
    "Cần đăng nhập (Authorization: Bearer <token>, hoặc phiên đăng nhập của trang) trước khi "
    "gửi tệp. Sign in (Authorization: Bearer <token>, or the pages' session) before sending a "
    "file."
)


class BodyLimit:
    """Refuses a request body larger than the upload limit: at once when Content-Length says
    so, else as soon as the bytes received pass it (a chunked upload declares no length),
    before the rest is read or written to a temporary file."""

    def __init__(self, app: ASGIApp, *, page_error: PageError) -> None:
        self.app = app
        self.page_error = page_error
        self.uploads = 0  # document uploads being read now (one event loop: no lock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = scope["state"]["services"].settings
        documents = scope["method"] == "POST" and DOCUMENTS.match(scope["path"]) is not None
        allowed, detail = _limit(settings, documents=documents)
        limit = allowed + UPLOAD_SLACK
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await self._refuse(scope, detail, documents=documents)(scope, receive, send)
            return
        if documents and not _has_credential(headers):
            # The route's credential check runs only after the form is parsed: the whole
            # body would be received and spooled first (attack14 #3).
            await self._sign_in(scope)(scope, receive, send)
            return
        if documents and self.uploads >= MAX_DOCUMENT_UPLOADS:
            await self._busy(scope)(scope, receive, send)
            return
        received = 0
        over = started = False

        async def counted() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise HTTPException(413, detail=detail)
            return message

        async def sending(message: Message) -> None:
            # Past the limit, the framework's generic 413 is replaced by this one's answer
            # (DOCUMENT_TOO_LARGE or IMAGE_TOO_LARGE, as with a Content-Length).
            nonlocal started
            if over and not started:
                return
            started = True
            await send(message)

        if documents:
            self.uploads += 1
        try:
            await self.app(scope, counted, sending)
        finally:
            if documents:
                self.uploads -= 1
        if over and not started:
            await self._refuse(scope, detail, documents=documents)(scope, receive, send)

    def _sign_in(self, scope: Scope) -> Response:
        request = Request(scope)
        if not answers_json(request.url.path):
            return self.page_error(request, 401, "SIGN_IN_REQUIRED", SIGN_IN)
        return JSONResponse(
            error_body("UNAUTHORIZED", SIGN_IN),
            status_code=STATUS_OF_CODE["UNAUTHORIZED"],
            headers={"WWW-Authenticate": "Bearer"},
        )

    def _busy(self, scope: Scope) -> Response:
        request = Request(scope)
        detail = (
            f"Máy chủ đang nhận {MAX_DOCUMENT_UPLOADS} tệp tài liệu khác; hãy gửi lại sau "
            f"{UPLOADS_RETRY_AFTER} giây. The server is receiving {MAX_DOCUMENT_UPLOADS} other "
            f"document files; send it again in {UPLOADS_RETRY_AFTER} seconds."
        )
        status = STATUS_OF_CODE["SERVER_BUSY"]
        retry = {"Retry-After": str(UPLOADS_RETRY_AFTER)}
        if not answers_json(request.url.path):
            response = self.page_error(request, status, "SERVER_BUSY", detail)
            response.headers.update(retry)
            return response
        return JSONResponse(error_body("SERVER_BUSY", detail), status_code=status, headers=retry)

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


def _has_credential(headers: dict[bytes, bytes]) -> bool:
    """A bearer token or the pages' session cookie is there (whether it is valid, the route
    decides: this only spares reading a body no one could have sent)."""
    if headers.get(b"authorization", b"").strip():
        return True
    cookies = headers.get(b"cookie", b"").decode("latin-1")
    return any(part.strip().startswith(f"{SESSION_COOKIE}=") for part in cookies.split(";"))
