"""Screenshots of the kiosk screen for the README: python docs/make_kiosk_screenshots.py

Starts `attendance serve` on a temporary database with insightface's t1.jpg people enrolled,
then runs `attendance kiosk` twice on videos made from t1.jpg (one person close to the camera,
then the whole group, whose cards go up three at a time) and photographs its page in the
system Chromium at 1920x1080 and 1280x800, in Vietnamese and English. Real models, real
server, real kiosk: nothing is staged but the videos.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import cv2
import httpx
import insightface
import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

OUT = Path(__file__).parent / "screenshots"
TOKEN = "screenshot-admin-token-0123456789"
T1 = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"
ROOM = "Hội trường A"
# t1.jpg's six faces, left to right. The fifth comes alone first (nobody else near him in the
# photo); the fourth is late (his meeting began 40 minutes ago); the sixth is enrolled but on
# no list.
PEOPLE = [
    ("Nguyễn Thị Lan", "Chủ tịch UBND", "UBND Quận 1"),
    ("Nguyễn Thị Phương Thảo", "Phó Chủ tịch UBND", "UBND Quận 1"),
    ("Trần Văn Bình", "Chánh Văn phòng", "Văn phòng HĐND-UBND"),
    ("Lê Hoàng Cường", "Trưởng phòng Tài chính - Kế hoạch", "Phòng Tài chính - Kế hoạch"),
    ("Phạm Minh Dũng", "Phó Giám đốc Sở Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo"),
    ("Võ Thị Hồng Nhung", "Hiệu trưởng", "Trường THCS Lê Lợi"),
]
ALONE, LATE, OUTSIDER = 4, 3, 5
SIZES = [(1920, 1080), (1280, 800)]
FRAME_S = 0.2


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEND_")}
        env |= {
            "ATTEND_DB_URL": f"sqlite:///{tmp}/demo.db",
            "ATTEND_ADMIN_TOKEN": TOKEN,
            "ATTEND_KIOSK__OTHERS_LIMIT": "50",  # so the kiosk can say "not on the list"
            # Long enough to photograph each set of cards before the next goes up.
            "ATTEND_KIOSK__CARD_SECONDS": "25",
        }
        server = subprocess.Popen(
            [_command(), "serve", "--port", str(port)], cwd=tmp, env=env, stdout=subprocess.DEVNULL
        )
        try:
            _wait(f"{url}/healthz")
            kiosk_token, boxes = _set_up(url)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
                )
                alone = _write_video(tmp / "alone.avi", [_close_up(boxes[ALONE])] * 75)
                with KioskRun(url, kiosk_token, alone, tmp, env) as screen:
                    _wait_for_cards(screen, 1)
                    _shoot(browser, screen, "vi", 1920, "kiosk-vi-1920.png")
                    _shoot(browser, screen, "en", 1280, "kiosk-en-1280.png")
                group = _write_video(tmp / "group.avi", [_group()] * 300)
                with KioskRun(url, kiosk_token, group, tmp, env) as screen:
                    _wait_for_cards(screen, 3)
                    time.sleep(1.5)  # the boxes of every face decided, drawn green
                    _shoot(browser, screen, "vi", 1280, "kiosk-vi-1280.png")
                    _shoot(browser, screen, "en", 1920, "kiosk-en-1920.png")
                    # The next three, when the first have had their time: the late one too.
                    _wait_for_cards(screen, 1, kind="late")
                    _shoot(browser, screen, "vi", 1920, "kiosk-late-vi-1920.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


def _set_up(url: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Everyone enrolled; two meetings in the room; a kiosk token. Returns the token and the
    faces' boxes in t1.jpg, left to right."""
    api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    found = api.post("/api/v1/identify", files={"file": ("t1.jpg", T1.read_bytes())}).json()
    boxes = sorted(
        (
            (round(f["box"][0]), round(f["box"][1]), round(f["box"][2]), round(f["box"][3]))
            for f in found["faces"]
        ),
        key=lambda b: b[0],
    )
    with Image.open(T1) as opened:
        photo = opened.convert("RGB")
    ids = []
    for (name, title, unit), (x, y, w, h) in zip(PEOPLE, boxes):
        person = api.post("/api/v1/people", json={"full_name": name, "title": title, "unit": unit})
        person_id = person.json()["id"]
        buffer = io.BytesIO()
        photo.crop((max(0, x - w), max(0, y - h), x + 2 * w, y + 2 * h)).save(buffer, "JPEG")
        consent = {"given_by": name, "relation": "self", "purposes": ["meetings"]}
        api.post(f"/api/v1/people/{person_id}/consents", json={**consent, "method": "paper_form"})
        api.post(f"/api/v1/people/{person_id}/photos", files={"file": ("p.jpg", buffer.getvalue())})
        ids.append(person_id)
    now = datetime.now(timezone.utc)
    meetings = [
        (
            "Kỳ họp thứ 12 Hội đồng nhân dân quận",
            5,
            [i for i in range(6) if i not in (LATE, OUTSIDER)],
        ),
        ("Giao ban Phòng Tài chính - Kế hoạch", 40, [LATE]),
    ]
    for title, started_min, invited in meetings:
        body = {
            "title": title,
            "room": ROOM,
            "starts_at": (now - timedelta(minutes=started_min)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(),
            "late_after_minutes": 15,
        }
        meeting_id = api.post("/api/v1/meetings", json=body).json()["id"]
        roster = {"person_ids": [ids[i] for i in invited]}
        api.put(f"/api/v1/meetings/{meeting_id}/participants", json=roster)
    kiosk = api.post("/api/v1/kiosk-tokens", json={"name": "cua-a", "room": ROOM}).json()
    return kiosk["token"], boxes


def _close_up(box: tuple[int, int, int, int]) -> np.ndarray:
    """One person of t1.jpg as a 4:3 door camera sees someone a metre away: 960x720."""
    image = cv2.imread(str(T1))
    assert image is not None
    x, y, w, h = box
    width = 3 * w
    height = width * 3 // 4
    left = min(max(0, x + w // 2 - width // 2), image.shape[1] - width)
    top = min(max(0, y + h // 2 - height * 45 // 100), image.shape[0] - height)
    crop = image[top : top + height, left : left + width]
    return cv2.resize(crop, (960, 720), interpolation=cv2.INTER_CUBIC)


def _group() -> np.ndarray:
    image = cv2.imread(str(T1))
    assert image is not None
    return image


def _write_video(path: Path, frames: list[np.ndarray]) -> Path:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 5, (width, height))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


class KioskRun:
    """`attendance kiosk` on a video, its page on a free port; stopped on leaving."""

    def __init__(self, url: str, token: str, video: Path, tmp: Path, env: dict[str, str]) -> None:
        self.page_url = f"http://127.0.0.1:{_free_port()}"
        command = [
            _command(),
            "kiosk",
            "--server",
            url,
            "--token",
            token,
            "--source",
            str(video),
            "--outbox",
            str(tmp / "outbox.sqlite"),
            "--name",
            "cua-a",
            "--frame-interval",
            str(FRAME_S),
            "--listen",
            self.page_url.removeprefix("http://"),
        ]
        self.process = subprocess.Popen(command, cwd=tmp, env=env, stderr=subprocess.DEVNULL)

    def __enter__(self) -> str:
        _wait(f"{self.page_url}/frame.jpg")
        return self.page_url

    def __exit__(self, *_exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def _wait_for_cards(page_url: str, count: int, kind: str | None = None) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        cards = httpx.get(f"{page_url}/cards", timeout=5).json()["cards"]
        if len([c for c in cards if kind is None or c["kind"] == kind]) >= count:
            return
        time.sleep(0.2)
    raise SystemExit(f"the kiosk did not show {count} cards {kind or ''}")


def _shoot(browser: Any, page_url: str, lang: str, width: int, name: str) -> None:
    height = dict(SIZES)[width]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(page_url + ("/?lang=en" if lang == "en" else "/"))
    page.wait_for_selector("#cards .card")
    time.sleep(1.0)  # a camera frame or two, the clock
    page.screenshot(path=str(OUT / name))
    page.close()
    print(OUT / name)


def _command() -> str:
    return str(Path(sys.executable).parent / "attendance")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


if __name__ == "__main__":
    main()
