"""Security headers on every response, and the host names the server answers to."""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from attendance.errors import STATUS_OF_CODE
from attendance.settings import Settings

# The pages' scripts and styles are files under /static (no inline script, style or event
# handler: tests/web/test_headers.py checks the templates). data: and blob: images are the
# QR codes and the webcam's snapshots.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
# /docs and /redoc (api/docs_pages.py): Swagger UI and ReDoc from this server's own files,
# started without inline script. ReDoc's styled-components and Swagger UI add <style>
# elements as they render, so these two pages alone allow inline styles; ReDoc's search
# runs in a worker made from a blob.
DOCS_PATHS = frozenset({"/docs", "/redoc"})
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; worker-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    # Not no-referrer: with it browsers send "Origin: null" on a same-origin form post, and
    # the cross-site check (api/cookies.py) would refuse every form. same-origin still keeps
    # a board link's key out of what other sites see.
    ("Referrer-Policy", "same-origin"),
)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


WORKER_HEADER = "X-Attendance-Worker"


class SecurityHeaders:
    """Adds the headers to every response that does not set its own (the voting page's
    stricter Referrer-Policy stays), and which worker process answered (its pid: with
    `attendance serve --workers N` a log line or a test can tell the workers apart)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.worker = str(os.getpid())  # built in the worker that serves: its own pid

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_CSP if scope["path"] in DOCS_PATHS else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                for name, value in HEADERS:
                    headers.setdefault(name, value)
                headers[WORKER_HEADER] = self.worker
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _hostname(host: str) -> str | None:
    try:
        name = urlsplit("//" + host).hostname
    except ValueError:  # "[::1" and other broken brackets
        return None
    return name.rstrip(".") if name else None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(host: str, settings: Settings) -> bool:
    """ATTEND_ALLOWED_HOSTS, else localhost, the host of ATTEND_PUBLIC_URL and ATTEND_HOST.

    Listening on every interface (ATTEND_HOST 0.0.0.0) the server also answers at any IP
    address: a DNS-rebinding page always arrives with a name, never a bare address.
    """
    name = _hostname(host)
    if name is None:
        return False
    if settings.allowed_hosts is not None:
        return "*" in settings.allowed_hosts or name in settings.allowed_hosts
    allowed = set(LOCAL_HOSTS)
    if settings.public_url:
        allowed.add(_hostname(urlsplit(settings.public_url).netloc) or "")
    if settings.host in WILDCARDS:
        return name in allowed or _is_ip(name)
    allowed.add(settings.host.lower())
    return name in allowed


class AllowedHosts:
    """Refuses (400) a request whose Host header names a host this server is not. The answer
    is JSON even for a page: the page itself would be built from that very Host."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["state"]["services"].settings
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if host_allowed(host, settings):
            await self.app(scope, receive, send)
            return
        shown = host[:100].encode("ascii", "replace").decode("ascii")
        detail = (
            f"Máy chủ không phục vụ tên '{shown}'; thêm tên đó vào ATTEND_ALLOWED_HOSTS. "
            f"This server does not answer to the host '{shown}'; add it to ATTEND_ALLOWED_HOSTS."
        )
        await JSONResponse(error_body("BAD_HOST", detail), status_code=STATUS_OF_CODE["BAD_HOST"])(
            scope, receive, send
        )
