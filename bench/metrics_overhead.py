"""What the request-metrics middleware adds to one request (api/request_metrics.py).

    python -m bench.metrics_overhead [--requests 50000] [--multiprocess]

A trivial ASGI app is called directly (no HTTP, no client: only the middleware's own work
differs), with and without `RequestMetrics` in front, the route set as the router sets it;
prints microseconds per request for each and the difference. `--multiprocess`: the values
go to files, as with `attendance serve --workers N`. Run, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from types import SimpleNamespace
from typing import Any

ROUTE = SimpleNamespace(path="/api/v1/meetings/{meeting_id}/checkins")


async def endpoint(scope: dict[str, Any], receive: Any, send: Any) -> None:
    scope["route"] = ROUTE  # what Starlette's router leaves in the scope
    await send({"type": "http.response.start", "status": 201, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def per_request(app: Any, services: Any, requests: int) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(_: dict[str, Any]) -> None:
        return None

    start = time.perf_counter()
    for _ in range(requests):
        scope = {"type": "http", "method": "POST", "path": "/x", "state": {"services": services}}
        await app(scope, receive, send)
    return (time.perf_counter() - start) / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--multiprocess", action="store_true")
    args = parser.parse_args()
    if args.multiprocess:  # before prometheus_client is imported: it decides there
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="metrics-bench-")
    from api.metrics import Metrics
    from api.request_metrics import RequestMetrics

    services = SimpleNamespace(metrics=Metrics())
    measured = RequestMetrics(endpoint)
    bare, timed = [], []
    for _ in range(7):  # alternated; the fastest of seven: the least disturbed by other load
        bare.append(asyncio.run(per_request(endpoint, services, args.requests)))
        timed.append(asyncio.run(per_request(measured, services, args.requests)))
    b, t = min(bare) * 1e6, min(timed) * 1e6
    mode = "multiprocess files" if args.multiprocess else "in memory"
    print(f"metrics middleware ({mode}): {b:.2f} us bare, {t:.2f} us measured, +{t - b:.2f} us")


if __name__ == "__main__":
    main()
