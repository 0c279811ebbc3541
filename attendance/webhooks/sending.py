"""One attempt to send a signed webhook body, with a total deadline.

A receiver can hold a send only until the deadline: the network stream under the HTTP
client gets, for every connect, write and read, only the time left before the deadline
(a per-read timeout alone lets a receiver that trickles a byte every few seconds hold the
send for ever). The answer's body is not read on a 2xx and at most `ERROR_BODY_BYTES` of it
otherwise, so a huge or endless body costs nothing. No redirect is followed; a proxy from
the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) is used as before.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore

from attendance.webhooks.signing import signed_headers

logger = logging.getLogger(__name__)

ERROR_BODY_BYTES = 200  # of a non-2xx answer, kept in last_error
# Test pings (an admin's "send a test") running at once, server-wide: a hanging receiver
# must not fill the server's request threads.
PINGS_AT_ONCE = 2
pings_running = threading.BoundedSemaphore(PINGS_AT_ONCE)


@dataclass(frozen=True)
class Claimed:
    """What one send needs, read inside the claiming transaction."""

    delivery_id: int
    url: str
    secret: str
    event: str
    body: bytes
    webhook_id: int = 0


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no answer (a connection error or a timeout)
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PastDeadline(httpcore.TimeoutException):
    pass


def _left(deadline: float, timeout: float | None) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _PastDeadline("the attempt's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(self._deadline, timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(self._deadline, timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _left(self._deadline, timeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: float) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _left(self._deadline, timeout), local_address, socket_options
        )
        return _DeadlineStream(stream, self._deadline)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def send(claimed: Claimed, *, timestamp: int, timeout_seconds: float) -> Answer:
    """POST the signed body; the whole attempt (connect to status line) gets at most
    `timeout_seconds`, then it counts as failed. Never raises for the receiver's sake."""
    if not claimed.url.lower().startswith(("http://", "https://")):
        return Answer(None, "not an http(s) URL")
    headers = signed_headers(
        secret=claimed.secret,
        timestamp=timestamp,
        body=claimed.body,
        event=claimed.event,
        delivery_id=claimed.delivery_id,
    )
    started = time.monotonic()
    deadline = started + timeout_seconds
    limits = {"connect": timeout_seconds, "read": timeout_seconds, "write": timeout_seconds}
    try:
        with (
            _pool(claimed.url, _DeadlineBackend(deadline)) as pool,
            pool.stream(
                "POST",
                claimed.url,
                headers=[(k.encode(), v.encode()) for k, v in headers.items()],
                content=claimed.body,
                extensions={"timeout": {**limits, "pool": timeout_seconds}},
            ) as response,
        ):
            status = response.status
            if 200 <= status < 300:
                return Answer(status, None)  # the body is not read
            text = _first_bytes(response.iter_stream(), ERROR_BODY_BYTES, deadline)
            return Answer(status, f"HTTP {status}: {text}")
    except Exception as exc:  # the receiver's side: a refused connection, a timeout, bad HTTP
        if time.monotonic() >= deadline or isinstance(exc, _PastDeadline):
            return Answer(
                None, f"no answer within the deadline of {timeout_seconds:g} s for the attempt"
            )
        return Answer(None, f"{type(exc).__name__}: {exc}"[:500])


def _pool(url: str, backend: httpcore.NetworkBackend) -> httpcore.ConnectionPool:
    """A pool for one attempt: through the environment's proxy for this URL, if any."""
    parts = urlsplit(url)
    proxy = urllib.request.getproxies_environment().get(parts.scheme.lower())
    if proxy and not urllib.request.proxy_bypass(parts.hostname or ""):
        return httpcore.HTTPProxy(proxy_url=proxy, network_backend=backend)
    return httpcore.ConnectionPool(network_backend=backend)


def _first_bytes(chunks: Iterable[bytes], cap: int, deadline: float) -> str:
    got = b""
    try:
        for chunk in chunks:
            got += chunk
            if len(got) >= cap or time.monotonic() >= deadline:
                break
    except Exception:  # the error text is a courtesy: what came before is enough
        logger.debug("a webhook receiver's error body could not be read", exc_info=True)
    return got[:cap].decode("utf-8", "replace")
