"""`attendance demo`: a server, six enrolled people, a meeting and a kiosk on a made-up video."""

from __future__ import annotations

import io
import secrets
import shutil
import socket
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import httpx
import numpy as np
import uvicorn
from numpy.typing import NDArray
from PIL import Image
from rich.console import Console
from rich.table import Table

from api.app import create_app
from attendance.settings import Settings
from kiosk.command import run_kiosk
from kiosk.screen import ScreenEvent, ScreenKind, ScreenLog
from models.samples import group_photo

ROOM = "Phòng họp tầng 2"
# t1.jpg's people, left to right; the last one is not invited, to show the kiosk saying so.
PEOPLE = (
    ("Nguyễn Văn An", "Giám đốc"),
    ("Trần Thị Bình", "Phó giám đốc"),
    ("Lê Hoàng Cường", "Trưởng phòng"),
    ("Phạm Minh Dũng", "Kỹ sư"),
    ("Đặng Thị Giang", "Kế toán"),
    ("Võ Quốc Hùng", "Khách mời"),
)
INVITED = 5
# The demo's people are made up; a real enrollment records each person's signed form.
DEMO_CONSENT = {
    "relation": "self",
    "purposes": ["meetings"],
    "method": "paper_form",
    "reference": "demo",
}
STARTUP_S = 120.0
STATUS_VI = {"present": "có mặt", "late": "đi muộn", "absent": "vắng", "not_arrived": "chưa đến"}
STYLE = {"present": "green", "late": "yellow", "absent": "red", "not_arrived": "dim"}
SHOWN = {ScreenKind.WELCOME, ScreenKind.LATE, ScreenKind.NOT_ON_ROSTER}


class DemoError(Exception):
    """The demo cannot go on (the server did not start, a request failed)."""


class ConsoleScreen(ScreenLog):
    """The kiosk screen, also printed: each check-in as the kiosk decides it."""

    def __init__(self, console: Console, zone: ZoneInfo) -> None:
        super().__init__()
        self.console = console
        self.zone = zone  # the server's zone, so both clocks on screen agree

    def add(self, event: ScreenEvent) -> int:
        seq = super().add(event)
        if event.kind in SHOWN:
            colour = "yellow" if event.kind is ScreenKind.NOT_ON_ROSTER else "green"
            clock = event.at.astimezone(self.zone).strftime("%H:%M:%S")
            self.console.print(
                f"[dim]{clock}[/] [{colour}]{event.message_vi()}[/] [dim]/ {event.message_en()}[/]"
            )
        return seq


def run_demo(settings: Settings, console: Console) -> int:
    """The whole flow in a temporary folder that is removed at the end; the exit status."""
    workdir = Path(tempfile.mkdtemp(prefix="attendance-demo-"))
    console.print(f"Thư mục tạm / temporary folder: {workdir}")
    token = secrets.token_urlsafe(24)
    # Kiosks hold everyone enrolled here (six people), so the one not invited is told
    # "not on this meeting's list" instead of being a stranger to the kiosk.
    kiosk = settings.kiosk.model_copy(update={"others_limit": 100})
    demo_settings = settings.model_copy(
        update={
            "db_url": f"sqlite:///{workdir / 'attendance.db'}",
            "admin_token": token,
            "kiosk": kiosk,
        }
    )
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None
    try:
        port = free_port()
        config = uvicorn.Config(
            create_app(demo_settings), host="127.0.0.1", port=port, log_level="warning"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="demo-server", daemon=True)
        console.print("Đang khởi động máy chủ / starting the server…")
        thread.start()
        wait_started(server, thread)
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120
        ) as api:
            meeting_id, kiosk_token = set_up_demo_room(api, console)
            video = workdir / "walk-in.avi"
            write_walk_in(video)
            console.print("Kiosk đang xem video / the kiosk watches the video…")
            status = run_kiosk(
                settings,
                server=url,
                token=kiosk_token,
                source=str(video),
                room=None,
                outbox_path=workdir / "outbox.sqlite",
                name="demo",
                frame_interval_s=0.1,
                listen="0",
                screen=ConsoleScreen(console, ZoneInfo(settings.timezone)),
            )
            rows = _ok(api.get(f"/api/v1/meetings/{meeting_id}/attendance"))
        console.print(attendance_table(rows))
        return status
    except DemoError as exc:
        console.print(f"[red]{exc}")
        return 1
    finally:
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(timeout=15)
        shutil.rmtree(workdir, ignore_errors=True)
        console.print(f"Đã xoá / removed {workdir}")


def set_up_demo_room(api: httpx.Client, console: Console) -> tuple[int, str]:
    """Enroll t1's six people from portraits cut out of it; a meeting now with five invited."""
    photo_path = group_photo()
    photo = Image.open(photo_path).convert("RGB")
    found = _ok(api.post("/api/v1/identify", files={"file": ("t1.jpg", photo_path.read_bytes())}))
    boxes = sorted((f["box"] for f in found["faces"]), key=lambda box: box[0])
    if len(boxes) != len(PEOPLE):
        raise DemoError(f"expected {len(PEOPLE)} faces in {photo_path}, found {len(boxes)}")
    ids = []
    for (name, title), (x, y, w, h) in zip(PEOPLE, boxes):
        person = _ok(api.post("/api/v1/people", json={"full_name": name, "title": title}))
        portrait = photo.crop((max(0, x - w), max(0, y - h), x + 2 * w, y + 2 * h))
        out = io.BytesIO()
        portrait.save(out, "JPEG", quality=90)
        files = {"file": ("portrait.jpg", out.getvalue(), "image/jpeg")}
        consent = {**DEMO_CONSENT, "given_by": name}
        _ok(api.post(f"/api/v1/people/{person['id']}/consents", json=consent))
        _ok(api.post(f"/api/v1/people/{person['id']}/photos", files=files))
        ids.append(person["id"])
        console.print(f"Đã đăng ký / enrolled: {name} ({title})")
    kiosk = _ok(api.post("/api/v1/kiosk-tokens", json={"name": "cửa-demo", "room": ROOM}))
    now = datetime.now(timezone.utc)
    meeting = {
        "title": "Họp giao ban",
        "room": ROOM,
        "starts_at": (now - timedelta(minutes=2)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
    }
    meeting_id: int = _ok(api.post("/api/v1/meetings", json=meeting))["id"]
    invited = ids[:INVITED]
    _ok(api.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": invited}))
    console.print(
        f"Cuộc họp “{meeting['title']}” tại {ROOM}: {INVITED} người được mời. "
        f"Meeting in {ROOM}: {INVITED} people invited ({PEOPLE[-1][0]} is not)."
    )
    return meeting_id, str(kiosk["token"])


def walk_in_frames(photo: NDArray[np.uint8], frames: int = 14) -> list[NDArray[np.uint8]]:
    """Empty frames, then the group drifting right and growing, as if walking in."""
    height, width = photo.shape[:2]
    empty = np.full_like(photo, 90)
    out = [empty, empty]
    for i in range(frames):
        scale = 0.95 + 0.005 * i
        shift = np.array([[scale, 0, 4 * i], [0, scale, 2 * i]], dtype=np.float32)
        moved = cv2.warpAffine(photo, shift, (width, height), borderValue=(90, 90, 90))
        out.append(np.asarray(moved, dtype=np.uint8))
    return [*out, empty, empty]


def write_walk_in(path: Path) -> None:
    photo = cv2.imread(str(group_photo()))
    if photo is None:
        raise DemoError(f"cannot read {group_photo()}")
    frames = walk_in_frames(np.asarray(photo, dtype=np.uint8))
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (width, height))
    if not writer.isOpened():
        raise DemoError(f"cannot write a video at {path}")
    for frame in frames:
        writer.write(frame)
    writer.release()


def attendance_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Danh sách điểm danh / Attendance")
    for column in ("Họ tên / Name", "Chức vụ / Title", "Trạng thái / Status", "Lúc / At"):
        table.add_column(column)
    for row in rows:
        status = str(row["status"])
        at = row["first_seen_at"]
        table.add_row(
            str(row["person"]["full_name"]),
            str(row["person"].get("title") or ""),
            f"[{STYLE.get(status, 'white')}]{STATUS_VI.get(status, status)} / {status}[/]",
            "" if at is None else datetime.fromisoformat(at).strftime("%H:%M:%S"),
        )
    return table


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise DemoError(f"{response.request.method} {response.url.path}: {response.text}")
    return response.json()


def wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_S
    while not server.started:
        if not thread.is_alive():
            raise DemoError("the server stopped while starting (see the log above)")
        if time.monotonic() > deadline:
            raise DemoError(f"the server did not start within {STARTUP_S:.0f} s")
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
