"""The kiosk's small local HTTP server (stdlib, one thread per request): health and screen."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger(__name__)

DEFAULT_LISTEN = "127.0.0.1:8765"
# A connection that sends nothing (a browser's spare socket) or reads nothing holds its
# thread at most this long, so closing the server waits for no one longer.
REQUEST_TIMEOUT_S = 5.0

# As the server's pages (api/headers.py): only the kiosk's own files, never framed, no
# sniffing, no referrer; the screen page polls /events and reloads /frame.jpg, nothing else.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
        "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class Reply:
    body: bytes
    content_type: str
    status: int = 200


# A route gets the query string's parameters (first value of each).
Route = Callable[[dict[str, str]], Reply]


def parse_listen(spec: str) -> tuple[str, int] | None:
    """'HOST:PORT' (or ':PORT', all interfaces); '0' or '' turns the server off."""
    if spec.strip() in ("", "0"):
        return None
    host, sep, port = spec.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--listen wants HOST:PORT (e.g. {DEFAULT_LISTEN}) or 0, not {spec!r}.")
    return host.strip("[]") or "0.0.0.0", int(port)


class KioskWebServer:
    """Serves `routes` from a thread until `stop_event` is set; `close` waits for every request.

    Request threads are not daemons, and `close` joins them: a daemon thread still inside
    OpenCV (a /frame.jpg being encoded) when the interpreter exits is ended by pthread_exit,
    whose unwinding through OpenCV's C++ aborts the whole process ("terminate called without
    an active exception", status 134) after the kiosk's work is done.
    """

    def __init__(
        self, address: tuple[str, int], routes: dict[str, Route], stop_event: threading.Event
    ) -> None:
        self.routes = routes
        self.stop_event = stop_event
        self._httpd = ThreadingHTTPServer(address, self._handler())
        self._httpd.daemon_threads = False
        self._httpd.block_on_close = True  # server_close() joins the request threads
        self._httpd.timeout = 0.5  # how often the serving thread looks at the stop event
        self._thread = threading.Thread(target=self._serve, name="kiosk-web", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()
        logger.info("kiosk web server on http://%s:%d", *self.address)

    def close(self) -> None:
        """Wait for the serving thread (the stop event must be set), then for the requests
        it started, and free the port."""
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def _serve(self) -> None:
        while not self.stop_event.is_set():
            self._httpd.handle_request()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            timeout = REQUEST_TIMEOUT_S

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                route = routes.get(url.path)
                if route is None:
                    reply = Reply(b"not found\n", "text/plain; charset=utf-8", 404)
                else:
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    try:
                        reply = route(query)
                    except Exception:  # a broken page must not take the kiosk down
                        logger.exception("kiosk web route %s failed", url.path)
                        reply = Reply(b"error\n", "text/plain; charset=utf-8", 500)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.send_header("Cache-Control", "no-store")
                for name, value in SECURITY_HEADERS.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                logger.debug("web: " + format, *args)

        return Handler
