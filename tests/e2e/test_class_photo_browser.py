"""The phone class-photo flow in a real browser: upload, a box per face, correct, confirm."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import insightface
import pytest
from browser_support import launch_chromium, wait_until
from e2e_server import StartServer
from PIL import Image

pytestmark = pytest.mark.slow

TOKEN = "e2e-class-photo-token-0123456789"
T1 = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"
# t1.jpg's six people, left to right; the last is enrolled but not in this class.
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Minh Dũng", "Đặng Thị Giang")
STRANGER = "Võ Quốc Hùng"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def portrait(photo: Image.Image, box: list[int]) -> bytes:
    x, y, w, h = box
    out = io.BytesIO()
    photo.crop((max(0, x - w), max(0, y - h), x + 2 * w, y + 2 * h)).save(out, "JPEG")
    return out.getvalue()


def a_class(api: httpx.Client) -> tuple[int, dict[str, int]]:
    """Everyone of t1 but Giang enrolled from their own face; the class: all but Hùng."""
    faces = api.post("/api/v1/identify", files={"file": ("t1.jpg", T1.read_bytes())}).json()
    boxes = sorted((f["box"] for f in faces["faces"]), key=lambda b: b[0])
    assert len(boxes) == 6
    ids = {}
    with Image.open(T1) as photo:
        for name, box in zip((*NAMES, STRANGER), boxes):
            ids[name] = api.post("/api/v1/people", json={"full_name": name}).json()["id"]
            consent = {"given_by": name, "relation": "self", "purposes": ["meetings"]}
            consent |= {"method": "paper_form", "reference": f"PF-{ids[name]}"}
            assert api.post(f"/api/v1/people/{ids[name]}/consents", json=consent).is_success
            if name != NAMES[4]:
                data = portrait(photo, box)
                sent = api.post(
                    f"/api/v1/people/{ids[name]}/photos", files={"file": ("p.jpg", data)}
                )
                assert sent.status_code == 201, sent.text
    now = datetime.now(timezone.utc)
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": "Lớp 10A1 · Toán",
            "starts_at": (now - timedelta(minutes=5)).isoformat(),
            "ends_at": (now + timedelta(hours=1)).isoformat(),
        },
    ).json()["id"]
    roster = {"person_ids": [ids[n] for n in NAMES]}
    assert api.put(f"/api/v1/meetings/{meeting}/participants", json=roster).is_success
    return meeting, ids


def test_teacher_uploads_corrects_and_confirms_a_class_photo(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
    )
    meeting_id, ids = a_class(api)
    context = browser.new_context(locale="vi-VN", viewport={"width": 412, "height": 915})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Cô Lan")
    page.click("button.primary")
    page.wait_for_url("**/meetings")

    page.goto(f"{server.url}/meetings/{meeting_id}")
    page.click("#class-photo-link")
    page.wait_for_url(f"**/meetings/{meeting_id}/class-photo")
    assert page.inner_text("h1") == "Điểm danh bằng ảnh lớp"
    page.set_input_files("#cp-file", str(T1))
    page.click("#cp-send")
    wait_until(page, "document.querySelectorAll('.cp-box').length === 6", timeout=30)
    named = page.locator(".cp-box:not(.unknown) span").all_inner_texts()
    assert sorted(named) == sorted(NAMES[:4])
    assert page.locator(".cp-box.unknown").count() == 2  # Giang (not enrolled) and Hùng
    assert page.locator("#cp-not-seen li").all_inner_texts() == [NAMES[4]]
    # Each box sits on its face: left to right, as the names of t1 go.
    lefts = page.eval_on_selector_all(
        ".cp-box", "boxes => boxes.map(b => [parseFloat(b.style.left), b.textContent])"
    )
    order = [text for _, text in sorted(lefts)]
    assert order[:4] == list(NAMES[:4])

    # The leftmost unknown face is Giang's: give it to her from the not-seen list.
    unknown = page.eval_on_selector_all(
        ".cp-box.unknown", "boxes => boxes.map(b => [parseFloat(b.style.left), b.dataset.face])"
    )
    giang_face = sorted(unknown)[0][1]
    page.click(f".cp-box[data-face='{giang_face}']")
    assert page.is_visible("#cp-crop")
    page.select_option("#cp-pick", label=NAMES[4])
    page.click("#cp-assign")
    # Dũng is out of the room today whatever the photo says: remove his name.
    page.click(f".cp-box:has-text('{NAMES[3]}')")
    page.click("#cp-remove")
    assert sorted(page.locator("#cp-present li").all_inner_texts()) == sorted(
        [*NAMES[:3], NAMES[4]]
    )
    page.click("#cp-confirm")
    page.wait_for_selector("#cp-summary:not([hidden])")
    assert sorted(page.locator("#cp-recorded li").all_inner_texts()) == sorted(
        [*NAMES[:3], NAMES[4]]
    )
    assert "4" in page.inner_text("#cp-done")

    page.click("#cp-back")
    page.wait_for_url(f"**/meetings/{meeting_id}")
    for name in (*NAMES[:3], NAMES[4]):
        row = page.inner_text(f"#person-{ids[name]}")
        assert "Có mặt" in row or "Đi muộn" in row, row
    assert "Chưa đến" in page.inner_text(f"#person-{ids[NAMES[3]]}") or "Vắng" in page.inner_text(
        f"#person-{ids[NAMES[3]]}"
    )
    context.close()


def test_the_page_speaks_english_when_asked(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": "Hall",
            "starts_at": "2026-03-02T08:00:00+07:00",
            "ends_at": "2026-03-02T11:00:00+07:00",
        },
    ).json()["id"]
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    page.goto(f"{server.url}/meetings/{meeting}/class-photo?lang=en")
    assert page.inner_text("h1") == "Attendance from a class photo"
    assert page.get_attribute("#cp-file", "capture") == "environment"
    assert page.get_attribute("#cp-file", "accept") == "image/*"
    context.close()
