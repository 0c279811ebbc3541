"""Counts every HTTP request by its route template, method and status, and times it to the
response's status line (a pure ASGI middleware: a few microseconds a request)."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

UNMATCHED = "unmatched"  # no route: a 404, or refused before routing (a bad Host)


def route_template(scope: Scope) -> str:
    """The path as the app declares it ("/api/v1/meetings/{meeting_id}"), never the raw one:
    ids would make a label value of each.

    FastAPI keeps included routers whole: scope["route"] is the route as its own router names
    it ("/people/{person_id}"), and the template with the prefixes is on the route context it
    records in the scope; a route of the app itself (a mount, /healthz) is whole already."""
    context = scope.get("fastapi", {}).get("effective_route_context")
    path = getattr(context, "path_format", None) or getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class RequestMetrics:
    """Outermost but for the headers: refusals by the other middlewares are counted too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        services = scope.get("state", {}).get("services") if scope["type"] == "http" else None
        if services is None:
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        answered = False

        async def timed(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start" and not answered:
                answered = True
                services.metrics.observe_request(
                    route_template(scope),
                    scope["method"],
                    message["status"],
                    time.perf_counter() - start,
                )
            await send(message)

        try:
            await self.app(scope, receive, timed)
        except Exception:
            if not answered:  # the server's own 500 follows, from outside this middleware
                seconds = time.perf_counter() - start
                route = route_template(scope)
                services.metrics.observe_request(route, scope["method"], 500, seconds)
            raise
