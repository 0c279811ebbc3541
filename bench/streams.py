"""Live-board streams against everything else: other requests' latency with N streams open.

PYTHONPATH=. python -m bench.streams [--streams 200] [--keys 1] [--requests 200]

The server runs in its own process (uvicorn, one worker, a fresh SQLite file); the streams
and the timed requests come from this one. The timed request is a meeting's attendance
list with the admin token, one at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TOKEN = "bench-" + secrets.token_urlsafe(24)


def serve(port: int, db: str) -> None:
    import uvicorn

    from api.app import create_app
    from attendance.settings import Settings

    settings = Settings(db_url=f"sqlite:///{db}", admin_token=os.environ["BENCH_TOKEN"])
    uvicorn.run(
        create_app(settings, warm_up=False), host="127.0.0.1", port=port, log_level="warning"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def board_keys(url: str, count: int) -> list[tuple[int, str]]:
    """`count` meetings, each with its own board link (signed in as a secretary would)."""
    api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"})
    page = httpx.Client(base_url=url, headers={"Origin": url})
    signed_in = page.post("/signin", data={"token": TOKEN, "next": "/meetings"})
    assert signed_in.status_code == 303, signed_in.text[:300]
    keys = []
    for n in range(count):
        meeting = api.post(
            "/api/v1/meetings",
            json={
                "title": f"Kỳ họp {n + 1}",
                "starts_at": "2026-03-02T08:00:00+07:00",
                "ends_at": "2026-03-02T11:00:00+07:00",
            },
        ).json()
        issued = page.post(f"/meetings/{meeting['id']}/board-link")
        match = re.search(r'\?key=([^"]+)"', issued.text)
        assert match, issued.text[:300]
        keys.append((int(meeting["id"]), match.group(1)))
    return keys


async def hold_stream(client: httpx.AsyncClient, url: str, opened: list[int]) -> None:
    try:
        async with client.stream("GET", url) as response:
            opened.append(response.status_code)
            async for _ in response.aiter_bytes():
                pass
    except (httpx.HTTPError, asyncio.CancelledError):
        pass


async def measure(url: str, streams: int, keys: int, requests: int) -> dict[str, float]:
    targets = board_keys(url, keys)
    meeting_id = targets[0][0]
    limits = httpx.Limits(max_connections=streams + 10, max_keepalive_connections=streams + 10)
    timeout = httpx.Timeout(30.0, read=None)
    async with (
        httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as streamer,
        httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        ) as api,
    ):
        opened: list[int] = []
        tasks = [
            asyncio.create_task(
                hold_stream(
                    streamer,
                    f"/board/{targets[n % keys][0]}/stream?key={targets[n % keys][1]}",
                    opened,
                )
            )
            for n in range(streams)
        ]
        deadline = time.monotonic() + 30
        while len(opened) < streams and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(2)  # let every open stream settle into its polling
        latencies = []
        for _ in range(requests):
            started = time.perf_counter()
            response = await api.get(f"/api/v1/meetings/{meeting_id}/attendance")
            response.raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    return {
        "streams_open": sum(1 for s in opened if s == 200),
        "streams_refused": sum(1 for s in opened if s != 200),
        "p50_ms": statistics.median(latencies),
        "p90_ms": latencies[int(0.9 * len(latencies)) - 1],
        "max_ms": latencies[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--keys", type=int, default=1, help="board links the streams share")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1])
        return
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        server = subprocess.Popen(
            [sys.executable, "-m", "bench.streams", "--serve", str(port), db],
            env={**os.environ, "BENCH_TOKEN": TOKEN},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            for streams in (0, args.streams):
                result = asyncio.run(measure(url, streams, args.keys, args.requests))
                print(
                    f"streams={streams} keys={args.keys}: "
                    + ", ".join(
                        f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in result.items()
                    ),
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
