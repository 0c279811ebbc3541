"""Errors on a web page: sign in again, or a page that says what went wrong, never JSON."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.web.render import render

SECRET_PARAMS = frozenset({"key"})  # a board link's key: never copied into another address


def without_secrets(target: str) -> str:
    """The address with any key in its query dropped (for /signin?next=, which is logged,
    bookmarked and shown in the browser's address bar)."""
    parts = urlsplit(target)
    if not parts.query:
        return target
    kept = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in SECRET_PARAMS
    ]
    return parts.path + (f"?{urlencode(kept)}" if kept else "")


def page_error(request: Request, status: int, reason: str, detail: str) -> Response:
    if status == 401:
        query = f"?{request.url.query}" if request.url.query else ""
        target = without_secrets(request.url.path + query)
        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)
    if status == 404 and reason == "NOT_FOUND" and detail == "Not Found":
        detail = "Không có trang này. There is no such page."
    return render(
        request, "error.html", staff=None, status_code=status, status=status, message=detail
    )
