"""Errors on a web page: sign in again, or a page that says what went wrong, never JSON."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.web.render import render


def page_error(request: Request, status: int, reason: str, detail: str) -> Response:
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)
    if status == 404 and reason == "NOT_FOUND" and detail == "Not Found":
        detail = "Không có trang này. There is no such page."
    return render(
        request, "error.html", staff=None, status_code=status, status=status, message=detail
    )
