"""A photo of many close calls against a running server (issue 15, F-DOS1): a grid of copies
of one stranger's face (lfw-dev Katerina_Smrzova_0001, a close call against the attack's
19-person gallery) is sent to POST /api/v1/identify by `--requests` clients at once while
GET /healthz is asked every 50 ms; prints each request's time, the worst /healthz answer
and how the second-opinion metrics moved (faces asked / not asked, dlib seconds).

    python -m bench.close_call_stall --port 8742 --token TOKEN --rows 10 --cols 12
"""

from __future__ import annotations

import argparse
import re
import threading
import time
from pathlib import Path

import cv2
import httpx
import numpy as np

FACE = Path("../shared/faces/lfw-dev/Katerina_Smrzova/Katerina_Smrzova_0001.jpg")
METRIC = re.compile(
    r'^(attendance_second_opinion_(?:faces_total\{asked="\w+"\}|seconds_sum)) (\S+)$', re.M
)


def grid_jpeg(face: Path, rows: int, cols: int) -> bytes:
    image = cv2.imread(str(face), cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f"cannot read {face}")
    ok, data = cv2.imencode(".jpg", np.tile(image, (rows, cols, 1)))
    assert ok
    return data.tobytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True, help="a token with IDENTIFY (admin will do)")
    parser.add_argument("--rows", type=int, default=10)
    parser.add_argument("--cols", type=int, default=12)
    parser.add_argument("--requests", type=int, default=1)
    parser.add_argument("--face", type=Path, default=FACE)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    headers = {"Authorization": f"Bearer {args.token}"}
    photo = grid_jpeg(args.face, args.rows, args.cols)

    def metrics() -> dict[str, float]:
        text = httpx.get(f"{base}/metrics", headers=headers, timeout=60).text
        return {name: float(value) for name, value in METRIC.findall(text)}

    before = metrics()
    took: list[str] = []

    def identify() -> None:
        started = time.perf_counter()
        answer = httpx.post(
            f"{base}/api/v1/identify",
            headers=headers,
            files={"file": ("grid.jpg", photo, "image/jpeg")},
            timeout=600,
        )
        took.append(f"{answer.status_code} {time.perf_counter() - started:.1f} s")

    clients = [threading.Thread(target=identify) for _ in range(args.requests)]
    for client in clients:
        client.start()
    waits = []
    while any(client.is_alive() for client in clients):
        started = time.perf_counter()
        httpx.get(f"{base}/healthz", timeout=120)
        waits.append(time.perf_counter() - started)
        time.sleep(0.05)
    after = metrics()
    print(
        f"{args.rows * args.cols} faces x {args.requests} requests: {', '.join(took)}; "
        f"/healthz {len(waits)} asked, worst {max(waits):.2f} s"
    )
    print({name: round(after[name] - before.get(name, 0.0), 2) for name in after})


if __name__ == "__main__":
    main()
