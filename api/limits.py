"""The upload size limit, counted on the bytes that arrive, with or without Content-Length."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PageError, answers_json, error_body
from attendance.errors import STATUS_OF_CODE
from models.images import format_bytes

UPLOAD_SLACK = 64 * 1024  # multipart headers and form fields around the file


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
        allowed = scope["state"]["services"].settings.limits.max_upload_bytes
        limit = allowed + UPLOAD_SLACK
        size = format_bytes(allowed)  # the configured limit, not the slack for form fields
        detail = f"Tệp gửi lên vượt quá {size}. The upload exceeds {size}."
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await self._refuse(scope, detail)(scope, receive, send)
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

    def _refuse(self, scope: Scope, detail: str) -> Response:
        request = Request(scope)
        status = STATUS_OF_CODE["IMAGE_TOO_LARGE"]
        if not answers_json(request.url.path):
            return self.page_error(request, status, "IMAGE_TOO_LARGE", detail)
        return JSONResponse(error_body("IMAGE_TOO_LARGE", detail), status_code=status)
