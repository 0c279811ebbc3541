"""POST /api/v1/identify on a 640x480 frame with one face, from C clients at once, against
`attendance serve --workers W` that this starts (temporary SQLite, or --db-url).

    PYTHONPATH=. .venv/bin/python -m bench.identify_load [--workers 1] [--clients 4]
                                                         [--requests 200]

The frame: the first photo under ../shared/faces/people, fitted into 640x480 on grey. The
gallery is empty: every request detects and embeds the face and searches (nothing to find).
Ends with `identify: <req/s> req/s p50 <ms> ms p99 <ms> ms`. Run, not asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from PIL import Image

from bench.load import percentile
from bench.load_server import cpu_seconds, serve

FACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces" / "people"


def frame() -> bytes:
    photos = sorted(p for p in FACES.glob("*/*.jpg"))
    if not photos:
        sys.exit(f"no photo under {FACES}")
    face = Image.open(photos[0]).convert("RGB")
    face.thumbnail((640, 480))
    canvas = Image.new("RGB", (640, 480), (128, 128, 128))
    canvas.paste(face, ((640 - face.width) // 2, (480 - face.height) // 2))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=90)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db-url", default=None)
    args = parser.parse_args()
    data = frame()
    token = os.environ.setdefault("ATTEND_ADMIN_TOKEN", secrets.token_urlsafe(32))
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("ATTEND_DATA_DIR", folder)
        db_url = args.db_url or f"sqlite:///{Path(folder) / 'identify.db'}"
        with serve(db_url, Path(folder), workers=args.workers) as (url, pid):
            headers = {"Authorization": f"Bearer {token}"}
            clients = [httpx.Client(base_url=url, headers=headers) for _ in range(args.clients)]
            files = {"file": ("frame.jpg", data, "image/jpeg")}
            warm = clients[0].post("/api/v1/identify", files=files, timeout=120)
            assert warm.status_code == 200, warm.text
            faces = len(warm.json()["faces"])

            def one(n: int) -> float:
                began = time.perf_counter()
                answer = clients[n % args.clients].post(
                    "/api/v1/identify", files=files, timeout=120
                )
                assert answer.status_code == 200, answer.text
                return time.perf_counter() - began

            cpu = cpu_seconds(pid)
            began = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                latencies = list(pool.map(one, range(args.requests)))
            elapsed = time.perf_counter() - began
            cpu = cpu_seconds(pid) - cpu
            for client in clients:
                client.close()
    print(
        f"{args.requests} frames of 640x480 ({len(data)} bytes, {faces} face), "
        f"{args.clients} clients, {args.workers} worker(s): server CPU "
        f"{cpu * 1000 / args.requests:.0f} ms a frame; load average {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
    )
    p50, p99 = (percentile(latencies, share) * 1000 for share in (0.5, 0.99))
    print(f"identify: {args.requests / elapsed:.1f} req/s p50 {p50:.0f} ms p99 {p99:.0f} ms")


if __name__ == "__main__":
    main()
