"""The staff session cookie and the same-origin check that guards cookie-borne writes."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from attendance.errors import Forbidden
from attendance.staff.sessions import SESSION_HOURS

SESSION_COOKIE = "attend_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_key(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def set_session_cookie(request: Request, response: Response, key: str) -> None:
    # httpOnly: page scripts never need it. SameSite=Strict: other sites' links and forms
    # arrive without it. Secure whenever the page itself came over HTTPS.
    response.set_cookie(
        SESSION_COOKIE,
        key,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=_served_over_https(request),
        path="/",
    )


def _served_over_https(request: Request) -> bool:
    """HTTPS as the browser sees it: behind a TLS proxy the server itself sees plain HTTP,
    so ATTEND_PUBLIC_URL, when it says https, decides."""
    public_url = request.state.services.settings.public_url or ""
    return request.url.scheme == "https" or public_url.startswith("https://")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def _own_origin(request: Request) -> tuple[str, str]:
    """(scheme, host) as the browser sees this site: behind a TLS proxy the server sees
    plain HTTP, so for the host of ATTEND_PUBLIC_URL its scheme decides."""
    host = request.headers.get("host", "")
    public = urlsplit(request.state.services.settings.public_url or "")
    if public.netloc and public.netloc.lower() == host.lower():
        return public.scheme, host
    return request.url.scheme, host


def require_same_origin(request: Request) -> None:
    """A write carried by the cookie must come from our own pages (Origin, else Referer).

    SameSite=Strict already keeps the cookie off cross-site requests in current browsers;
    this is the second lock, for older browsers and for sibling sites on the same domain.
    """
    if request.method in SAFE_METHODS:
        return
    claimed = request.headers.get("origin") or request.headers.get("referer") or ""
    try:
        came_from = urlsplit(claimed) if claimed and claimed != "null" else None
    except ValueError:  # a broken address ("http://[::1") is no origin at all
        came_from = None
    if came_from is None or (came_from.scheme, came_from.netloc) != _own_origin(request):
        raise Forbidden(
            "Yêu cầu không đến từ trang của hệ thống nên bị từ chối. "
            "The request did not come from this site's own pages, so it was refused.",
            code="CROSS_SITE_REQUEST",
        )
