"""Server memory and /healthz latency while eight 40-megapixel images are uploaded at once.

PYTHONPATH=. .venv/bin/python bench/image_memory.py [--concurrent 8] [--rounds 1]
(the server runs the code on PYTHONPATH: PYTHONPATH=/path/to/other/checkout compares another)
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import insightface
from PIL import Image

T1_PATH = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"
SIZE = (7296, 5472)  # 39.9 megapixels: just inside the default 40 MP limit
ROOM = "Phòng họp 1"
HEALTH_EVERY_S = 0.05
RSS_EVERY_S = 0.01


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def proc_kib(pid: int, key: str) -> int:
    """VmRSS / VmHWM of a process in KiB, from /proc (no psutil needed)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def big_images() -> dict[str, bytes]:
    """A flat 40 MP canvas with t1's six faces in the middle: small files, huge pixel counts."""
    with Image.open(T1_PATH) as t1:
        faces = t1.convert("RGB").resize((t1.width * 3, t1.height * 3))
    out = {}
    rgba = Image.new("RGBA", SIZE, (180, 190, 200, 255))
    rgba.paste(faces, ((SIZE[0] - faces.width) // 2, (SIZE[1] - faces.height) // 2))
    for name, image, fmt, options in [
        ("png-rgba", rgba, "PNG", {"compress_level": 6}),
        ("jpeg", rgba.convert("RGB"), "JPEG", {"quality": 90}),
    ]:
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        out[name] = buffer.getvalue()
    return out


def small_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


@dataclass
class Sampler:
    """Samples the server's RSS and times /healthz in two threads until stopped."""

    pid: int
    url: str
    rss_kib: list[int] = field(default_factory=list)
    health_ms: list[float] = field(default_factory=list)
    health_failures: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run_rss(self) -> None:
        while not self.stop.is_set():
            self.rss_kib.append(proc_kib(self.pid, "VmRSS"))
            time.sleep(RSS_EVERY_S)

    def run_health(self) -> None:
        with httpx.Client(timeout=30) as http:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    ok = http.get(f"{self.url}/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.health_ms.append(1000 * (time.perf_counter() - started))
                self.health_failures += not ok
                self.stop.wait(HEALTH_EVERY_S)


def start_server(workdir: Path, token: str, cache_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEND_")}
    env |= {
        "ATTEND_DB_URL": f"sqlite:///{workdir / 'bench.db'}",
        "ATTEND_ADMIN_TOKEN": token,
        "ATTEND_MODELS__CACHE_DIR": str(cache_dir),
    }
    command = [sys.executable, "-c", "from api.cli import app; app()", "serve", "--port", str(port)]
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit((workdir / "server.log").read_text(errors="replace")[-3000:])
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def set_up(api: httpx.Client) -> tuple[int, str]:
    """Six people enrolled from t1.jpg, a meeting now in ROOM, and that room's kiosk token."""
    with Image.open(T1_PATH) as t1:
        rgb = t1.convert("RGB")
    ids = []
    for i, left in enumerate(range(0, rgb.width, rgb.width // 6)):
        person = api.post("/api/v1/people", json={"full_name": f"Người {i + 1}"}).json()
        ids.append(person["id"])
        crop = small_jpeg(rgb.crop((left, 0, left + rgb.width // 6, rgb.height // 2)))
        consent = {"given_by": person["full_name"], "relation": "self", "purposes": ["meetings"]}
        consent["method"] = "paper_form"
        api.post(f"/api/v1/people/{person['id']}/consents", json=consent)
        api.post(f"/api/v1/people/{person['id']}/photos", files={"file": ("p.jpg", crop)})
    now = datetime.now(UTC)
    meeting = {
        "title": "Họp giao ban",
        "room": ROOM,
        "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
    }
    meeting_id = api.post("/api/v1/meetings", json=meeting).json()["id"]
    api.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": ids})
    created = api.post("/api/v1/kiosk-tokens", json={"name": "cửa-1", "room": ROOM})
    return meeting_id, created.json()["token"]


def burst(url: str, token: str, meeting_id: int, data: bytes, n: int) -> list[tuple[int, float]]:
    """n image check-ins at once through the kiosk token: (status, seconds) each."""

    def one(i: int) -> tuple[int, float]:
        started = time.perf_counter()
        with httpx.Client(timeout=300, headers={"Authorization": f"Bearer {token}"}) as kiosk:
            response = kiosk.post(
                f"{url}/api/v1/meetings/{meeting_id}/checkins",
                files={"file": ("big", data)},
                data={"source": "bench", "idempotency_key": f"bench-{secrets.token_hex(6)}-{i}"},
            )
        return response.status_code, time.perf_counter() - started

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrent", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    import numpy
    import onnxruntime
    import PIL

    print(
        f"{datetime.now():%Y-%m-%d %H:%M}  Python {platform.python_version()}, Pillow "
        f"{PIL.__version__}, numpy {numpy.__version__}, onnxruntime {onnxruntime.__version__}, "
        f"{os.cpu_count()} CPUs; server code from {os.environ.get('PYTHONPATH', '(installed)')}; "
        f"MALLOC_ARENA_MAX={os.environ.get('MALLOC_ARENA_MAX', 'unset')}"
    )
    images = big_images()
    for name, data in images.items():
        print(f"{name}: {SIZE[0]}x{SIZE[1]}, {len(data) / 1e3:.0f} kB")
    token = secrets.token_urlsafe(24)
    cache_dir = Path(tempfile.gettempdir()) / "attendance-bench-model-cache"
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_server(Path(tmp), token, cache_dir)
        try:
            with httpx.Client(
                base_url=url, timeout=120, headers={"Authorization": f"Bearer {token}"}
            ) as api:
                meeting_id, kiosk_token = set_up(api)
            for name, data in images.items():
                for _ in range(args.rounds):
                    report(process.pid, url, kiosk_token, meeting_id, name, data, args.concurrent)
        finally:
            process.terminate()
            process.wait(timeout=20)


def report(pid: int, url: str, token: str, meeting_id: int, name: str, data: bytes, n: int) -> None:
    time.sleep(1.0)
    before = proc_kib(pid, "VmRSS")
    sampler = Sampler(pid, url)
    threads = [
        threading.Thread(target=sampler.run_rss),
        threading.Thread(target=sampler.run_health),
    ]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    results = burst(url, token, meeting_id, data, n)
    elapsed = time.perf_counter() - started
    time.sleep(0.5)
    sampler.stop.set()
    for thread in threads:
        thread.join()
    time.sleep(1.0)
    after = proc_kib(pid, "VmRSS")
    statuses = sorted({status for status, _ in results})
    health = sorted(sampler.health_ms)
    print(
        f"{name} x{n}: statuses {statuses}, {elapsed:.1f} s for all (slowest "
        f"{max(s for _, s in results):.1f} s); RSS before {before / 1024:.0f} MiB, peak growth "
        f"{(max(sampler.rss_kib) - before) / 1024:.0f} MiB, still held 1 s after "
        f"{(after - before) / 1024:.0f} MiB; /healthz p50 {statistics.median(health):.0f} ms, "
        f"max {health[-1]:.0f} ms over {len(health)} polls ({sampler.health_failures} failed)"
    )


if __name__ == "__main__":
    main()
