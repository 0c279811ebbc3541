"""Screenshots of the main pages for the README: python docs/make_screenshots.py

Starts `attendance serve` on a temporary database, fills it with insightface's t1.jpg
people (the only photos shipped with the dependencies), and drives the system Chromium.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import insightface
import openpyxl
from PIL import Image
from playwright.sync_api import sync_playwright

OUT = Path(__file__).parent / "screenshots"
TOKEN = "screenshot-admin-token-0123456789"
T1 = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"
# t1.jpg's six faces, left to right, as (x0, y0, x1, y1) portrait crops, and who they are.
PEOPLE = [
    ("Nguyễn Văn An", "Chủ tịch UBND", "UBND Quận 1", "DB-001"),
    ("Trần Thị Bình", "Phó Chủ tịch UBND", "UBND Quận 1", "DB-002"),
    ("Lê Hoàng Cường", "Chánh Văn phòng", "Văn phòng HĐND-UBND", "DB-003"),
    ("Phạm Minh Dũng", "Trưởng phòng Tài chính", "Phòng Tài chính - Kế hoạch", "DB-004"),
    ("Đặng Thị Giang", "Hiệu trưởng", "Trường THCS Lê Lợi", "DB-005"),
    ("Võ Quốc Hùng", "Trưởng Công an phường", "Công an phường Bến Nghé", "DB-006"),
]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEND_")}
        env |= {"ATTEND_DB_URL": f"sqlite:///{tmp}/demo.db", "ATTEND_ADMIN_TOKEN": TOKEN}
        command = [str(Path(sys.executable).parent / "attendance"), "serve", "--port", str(port)]
        server = subprocess.Popen(command, cwd=tmp, env=env, stdout=subprocess.DEVNULL)
        try:
            _wait(url)
            _shoot(url, Path(tmp))
        finally:
            server.terminate()
            server.wait(timeout=30)


def _shoot(url: str, tmp: Path) -> None:
    api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    portraits = _portraits(api)
    ids = []
    for (name, title, unit, code), photo in zip(PEOPLE, portraits):
        body = {"full_name": name, "title": title, "unit": unit, "code": code}
        person_id = api.post("/api/v1/people", json=body).json()["id"]
        consent = {"given_by": name, "relation": "self", "purposes": ["meetings"]}
        api.post(f"/api/v1/people/{person_id}/consents", json={**consent, "method": "paper_form"})
        api.post(f"/api/v1/people/{person_id}/photos", files={"file": ("p.jpg", photo)})
        ids.append(person_id)
    meeting = {
        "title": "Kỳ họp thứ 12 Hội đồng nhân dân quận",
        "room": "Hội trường A",
        "starts_at": time.strftime("%Y-%m-%dT07:30:00"),
        "ends_at": time.strftime("%Y-%m-%dT23:30:00"),
        "late_after_minutes": 15,
    }
    meeting_id = api.post("/api/v1/meetings", json=meeting).json()["id"]
    api.post("/api/v1/meetings", json={**meeting, "title": "Giao ban tuần UBND quận"})
    api.put(f"/api/v1/meetings/{meeting_id}/participants", json={"person_ids": ids[:5]})
    links = []
    for n, (person_id, at) in enumerate(zip(ids[:3], ("07:25", "07:40", "07:52"))):
        body = {
            "person_id": person_id,
            "source": "kiosk-cua-a",
            "idempotency_key": f"s{n}",
            "at": time.strftime(f"%Y-%m-%dT{at}:00"),
        }
        links.append(api.post(f"/api/v1/meetings/{meeting_id}/checkins", json=body).json())
    polls = f"/api/v1/meetings/{meeting_id}/polls"
    motion = {"title": "Thông qua dự toán ngân sách quận năm 2027", "base": "present"}
    closed = api.post(polls, json=motion).json()
    api.post(f"{polls}/{closed['id']}/open")
    for event, option in zip(links, (0, 0, 2)):
        voter = {"Authorization": "Bearer " + event["voting_url"].split("#", 1)[1]}
        choice = {"option_ids": [closed["options"][option]["id"]]}
        api.post(f"{polls}/{closed['id']}/ballots", json=choice, headers=voter)
    api.post(f"{polls}/{closed['id']}/close")
    second = {"title": "Thông qua kế hoạch đầu tư công trung hạn", "secrecy": "secret"}
    api.post(f"{polls}/{api.post(polls, json=second).json()['id']}/open")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="vi-VN")
        page.goto(f"{url}/signin")
        page.fill("input[name=token]", TOKEN)
        page.fill("input[name=label]", "Nguyễn Thị Thu")
        page.click("button.primary")
        page.wait_for_url("**/meetings")
        page.screenshot(path=OUT / "meetings.png", full_page=True)
        page.goto(f"{url}/meetings/{meeting_id}")
        page.screenshot(path=OUT / "meeting.png", full_page=True)
        page.goto(f"{url}/meetings/{meeting_id}/roster")
        page.set_input_files("input[name=file]", str(_roster(tmp)))
        page.click("form button.primary")
        page.wait_for_selector("table.preview")
        page.screenshot(path=OUT / "roster-preview.png", full_page=True)
        page.goto(f"{url}/people/{ids[5]}")
        page.set_input_files("input[name=file]", str(_write(tmp / "hung.jpg", portraits[5])))
        page.click("#photo-form button.primary")
        page.wait_for_selector("#verdict")
        page.screenshot(path=OUT / "person.png", full_page=True)
        page.goto(f"{url}/people/{ids[3]}")
        page.set_input_files("input[name=file]", str(T1))
        page.click("#photo-form button.primary")
        page.wait_for_selector("#face-choice")
        page.screenshot(path=OUT / "person-choose-face.png", full_page=True)
        board = browser.new_page(viewport={"width": 1600, "height": 900}, locale="vi-VN")
        board.context.add_cookies(page.context.cookies())
        board.goto(f"{url}/board/{meeting_id}")
        board.wait_for_timeout(1500)
        board.screenshot(path=OUT / "board.png")
        page.goto(f"{url}/meetings/{meeting_id}/polls/{closed['id']}")
        page.screenshot(path=OUT / "poll.png", full_page=True)
        board.goto(f"{url}/meetings/{meeting_id}/polls/{closed['id']}/screen")
        board.screenshot(path=OUT / "poll-projector.png")
        phone = browser.new_page(viewport={"width": 400, "height": 820}, locale="vi-VN")
        phone.goto(links[2]["voting_url"])
        phone.wait_for_selector("form[data-poll]")
        phone.screenshot(path=OUT / "vote-phone.png", full_page=True)
        browser.close()


def _portraits(api: httpx.Client) -> list[bytes]:
    """Each face of t1.jpg with some room around it, found by the server's own detector."""
    with Image.open(T1) as opened:
        image = opened.convert("RGB")
    data = T1.read_bytes()
    faces = api.post("/api/v1/identify", files={"file": ("t1.jpg", data)}).json()["faces"]
    out = []
    for face in sorted(faces, key=lambda f: f["box"][0]):
        x, y, w, h = face["box"]
        crop = image.crop((max(0, x - w), max(0, y - h), x + 2 * w, y + 2 * h))
        buffer = io.BytesIO()
        crop.save(buffer, "JPEG", quality=92)
        out.append(buffer.getvalue())
    return out


def _roster(tmp: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["DANH SÁCH ĐẠI BIỂU DỰ KỲ HỌP"])
    sheet.append(["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Mã đại biểu"])
    for n, (name, title, unit, code) in enumerate(PEOPLE, start=1):
        sheet.append([n, name, title, unit, code])
    sheet.append([7, "Bùi Thị Hạnh", "Phó Chánh Văn phòng", "Văn phòng HĐND-UBND", ""])
    sheet.append([8, "", "Chuyên viên", "Phòng Nội vụ", "DB-009"])
    path = tmp / "danh-sach.xlsx"
    book.save(path)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start")


if __name__ == "__main__":
    main()
