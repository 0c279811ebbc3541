"""Kiosk speed: per-frame fps at 640x480 with 1, 3, 10 faces; first-visible-to-committed latency.

PYTHONPATH=. python -m bench.kiosk [--frames 60] [--trials 10]  (-m: bench/ must not shadow kiosk/)
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import httpx
import numpy as np
import uvicorn
from numpy.typing import NDArray
from rich.console import Console

from api.app import create_app
from api.demo import free_port, set_up_demo_room, wait_started, walk_in_frames
from attendance.matching import kiosk_match_policy
from attendance.settings import get_settings
from kiosk.client import KioskClient
from kiosk.loop import KioskLoop, KioskOptions
from kiosk.outbox import CheckinEvent, Outbox, SendResult
from kiosk.sync import GallerySync
from kiosk.tracker import IouTracker
from models.packs import FacePipeline
from models.samples import group_photo
from usecases.pipeline import load_pipeline

PEOPLE_DIR = Path(__file__).resolve().parents[2] / "shared" / "faces" / "people"
WIDTH, HEIGHT = 640, 480
CAMERA_FPS = 25.0
Image = NDArray[np.uint8]


def face_crops(pipeline: FacePipeline) -> list[Image]:
    """Head-and-shoulders crops: t1's six, then one photo of each person in PEOPLE_DIR."""
    images = [cv2.imread(str(group_photo()))]
    if PEOPLE_DIR.is_dir():
        for folder in sorted(p for p in PEOPLE_DIR.iterdir() if p.is_dir()):
            photos = sorted(folder.glob("*.jp*g"))
            if photos:
                images.append(cv2.imread(str(photos[0])))
    crops = []
    for image in images:
        if image is None:
            continue
        for face in sorted(pipeline.detect(image), key=lambda f: f.box[0]):
            x, y, w, h = (int(v) for v in face.box)
            crop = image[max(0, y - h // 2) : y + h + h // 2, max(0, x - w // 3) : x + w + w // 3]
            crops.append(np.ascontiguousarray(crop))
            if image is not images[0]:
                break  # one face per portrait
    return crops


def scene(crops: list[Image], n: int, jitter: int = 0) -> Image:
    """n crops side by side (two rows above 5) on grey, shifted by `jitter` px."""
    frame = np.full((HEIGHT, WIDTH, 3), 90, dtype=np.uint8)
    cols = min(n, 5)
    rows = (n + cols - 1) // cols
    cell_w, cell_h = WIDTH // cols, HEIGHT // rows
    for i in range(n):
        crop = crops[i % len(crops)]
        scale = min((cell_w - 10) / crop.shape[1], (cell_h - 10) / crop.shape[0])
        resized = cv2.resize(crop, (int(crop.shape[1] * scale), int(crop.shape[0] * scale)))
        x = (i % cols) * cell_w + 5 + jitter
        y = (i // cols) * cell_h + 5
        h, w = resized.shape[:2]
        w = min(w, WIDTH - x)
        frame[y : y + h, x : x + w] = resized[:, :w]
    return frame


@dataclass
class FpsRow:
    faces: int
    detected: float
    decided_fps: float
    loop_new_fps: float  # the loop's bound: KioskOptions.max_embeds_per_frame
    all_new_fps: float


def fps_row(pipeline: FacePipeline, crops: list[Image], n: int, frames: int) -> FpsRow:
    images = [scene(crops, n, jitter=i % 4) for i in range(frames)]

    def run(embed_limit: int) -> tuple[float, float]:
        tracker = IouTracker()
        found = 0
        started = time.perf_counter()
        for image in images:
            # As the loop does it: a first look every frame, the second look (landmark
            # refinement) only for the faces about to be embedded.
            faces = pipeline.detect_coarse(image)
            found += len(faces)
            tracker.update([f.box for f in faces])
            if embed_limit and faces:
                pipeline.embed(image, pipeline.refine(image, faces[:embed_limit]))
        return frames / (time.perf_counter() - started), found / frames

    decided, detected = run(0)
    limit = KioskOptions().max_embeds_per_frame
    return FpsRow(n, detected, decided, run(limit)[0], run(10**6)[0])


def face_recognition_fps(images: list[Image]) -> float | None:
    try:
        import face_recognition  # type: ignore[import-not-found]
    except ImportError:
        return None
    started = time.perf_counter()
    for image in images:
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        boxes = face_recognition.face_locations(rgb)  # HOG, its default
        face_recognition.face_encodings(rgb, boxes)
    return len(images) / (time.perf_counter() - started)


class ListSource:
    """Frames from memory, as a finite source the capture thread paces like a camera."""

    def __init__(self, frames: list[Image]) -> None:
        self.frames = frames
        self._next = 0

    @property
    def finite(self) -> bool:
        return True

    def open(self) -> bool:
        self._next = 0
        return True

    def read(self) -> Image | None:
        if self._next >= len(self.frames):
            return None
        self._next += 1
        return self.frames[self._next - 1]

    def close(self) -> None:
        pass


class TimedSender:
    """The kiosk's client, noting when the server answered each check-in (committed)."""

    def __init__(self, client: KioskClient) -> None:
        self.client = client
        self.committed: list[float] = []

    def send(self, event: CheckinEvent) -> SendResult:
        result = self.client.send(event)
        self.committed.append(time.monotonic())
        return result


class FirstVisible(ListSource):
    """Notes the monotonic time at which the first frame with faces was read."""

    def __init__(self, frames: list[Image], first_visible: int) -> None:
        super().__init__(frames)
        self.first_visible = first_visible
        self.visible_at = 0.0

    def read(self) -> Image | None:
        if self._next == self.first_visible:
            self.visible_at = time.monotonic()  # CaptureThread stamps the frame right after
        return super().read()


def latencies(trials: int) -> list[float]:
    """Seconds from t1's people first fully in view to each of their check-ins committed."""
    settings = get_settings()
    token = secrets.token_urlsafe(24)
    workdir = Path(f"/tmp/kiosk-bench-{os.getpid()}")
    workdir.mkdir()
    served = settings.model_copy(
        update={"db_url": f"sqlite:///{workdir / 'db.sqlite'}", "admin_token": token}
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(served), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_started(server, thread)
    url = f"http://127.0.0.1:{port}"
    photo = cv2.imread(str(group_photo()))
    small = cv2.resize(photo, (WIDTH, int(photo.shape[0] * WIDTH / photo.shape[1])))
    pad = np.full((HEIGHT, WIDTH, 3), 90, dtype=np.uint8)
    pad[: small.shape[0]] = small
    walk = walk_in_frames(pad)  # two empty frames, then everyone in view
    pipeline = load_pipeline(settings)
    out: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as api:
        set_up_demo_room(api, Console(quiet=True))
        ids = [p["id"] for p in api.get("/api/v1/people").json()][:5]
        now = datetime.datetime.now(datetime.timezone.utc)
        for trial in range(trials):
            room = f"bench-{trial}"
            kiosk = api.post("/api/v1/kiosk-tokens", json={"name": room, "room": room}).json()
            meeting = {
                "title": room,
                "room": room,
                "starts_at": now.isoformat(),
                "ends_at": (now + datetime.timedelta(hours=1)).isoformat(),
            }
            meeting_id = api.post("/api/v1/meetings", json=meeting).json()["id"]
            api.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": ids})
            client = KioskClient(url, kiosk["token"], room=None, source="kiosk:bench")
            sender = TimedSender(client)
            source = FirstVisible(walk, first_visible=2)
            loop = KioskLoop(
                pipeline=pipeline,
                sync=GallerySync(
                    client, model_key=pipeline.identity.key, dim=pipeline.identity.dim
                ),
                outbox=Outbox(workdir / f"outbox-{trial}.sqlite"),
                sender=sender,
                source=source,
                policy=kiosk_match_policy(settings, model_key=pipeline.identity.key),
                options=KioskOptions(name=room, frame_interval_s=1 / CAMERA_FPS),
            )
            loop.run()
            client.close()
            out += [t - source.visible_at for t in sender.committed]
    server.should_exit = True
    thread.join(timeout=15)
    for path in workdir.iterdir():
        path.unlink()
    workdir.rmdir()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument(
        "--face-recognition-site",
        default="",
        help="site-packages of a separate venv holding face_recognition (dlib), searched last",
    )
    parser.add_argument(
        "--decisions",
        action="store_true",
        help="then compare check-ins with face_recognition's (bench/kiosk_decisions.py, minutes)",
    )
    args = parser.parse_args()
    if args.face_recognition_site:
        # Appended, not prepended: that venv's numpy must not shadow ours.
        sys.path.append(args.face_recognition_site)
    settings = get_settings()
    pipeline = load_pipeline(settings)
    crops = face_crops(pipeline)
    print(
        f"date {datetime.date.today()}, {platform.platform()}, {os.cpu_count()} CPUs, "
        f"pack {pipeline.identity.key}, {len(crops)} face crops"
    )
    print(
        "| faces | detected/frame | decided (detect+track) fps "
        f"| new, loop (<={KioskOptions().max_embeds_per_frame} embeds) fps "
        "| new, every face embedded fps | face_recognition fps (ratio) |"
    )
    print("|---|---|---|---|---|---|")
    for n in (1, 3, 10):
        row = fps_row(pipeline, crops, n, args.frames)
        fr = face_recognition_fps([scene(crops, n, jitter=i % 4) for i in range(args.frames // 3)])
        fr_text = "not run" if fr is None else f"{fr:.1f} (x{row.loop_new_fps / fr:.1f})"
        print(
            f"| {n} | {row.detected:.1f} | {row.decided_fps:.1f} | {row.loop_new_fps:.1f} "
            f"| {row.all_new_fps:.1f} | {fr_text} |"
        )
    seconds = latencies(args.trials)
    print(
        f"latency first-visible -> committed, {len(seconds)} check-ins over {args.trials} "
        f"trials at {CAMERA_FPS:.0f} fps: p50 {np.percentile(seconds, 50) * 1e3:.0f} ms, "
        f"p95 {np.percentile(seconds, 95) * 1e3:.0f} ms, max {max(seconds) * 1e3:.0f} ms"
    )
    if args.decisions:
        import face_recognition

        from bench.kiosk_decisions import compare_decisions  # here: it imports this module

        compare_decisions(pipeline, face_recognition)


if __name__ == "__main__":
    main()
