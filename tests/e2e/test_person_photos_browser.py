"""A person's photos in a real browser: click the face of a group photo, see each enrolled
photo as its face, delete one."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import insightface
import numpy as np
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer
from PIL import Image

pytestmark = pytest.mark.slow

TOKEN = "e2e-photos-admin-token-0123456789"
T1 = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def centre(box: list[float]) -> np.ndarray:
    return np.array([box[0] + box[2] / 2, box[1] + box[3] / 2])


def test_a_secretary_clicks_the_face_then_deletes_one_photo(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
    )
    person = api.post("/api/v1/people", json={"full_name": "Phạm Minh Dũng"}).json()
    consent = {"given_by": "Phạm Minh Dũng", "relation": "self", "purposes": ["meetings"]}
    api.post(f"/api/v1/people/{person['id']}/consents", json={**consent, "method": "paper_form"})
    listed = api.post(f"/api/v1/people/{person['id']}/photos", files={"file": T1.read_bytes()})
    assert listed.status_code == 422 and listed.json()["reason"] == "MULTIPLE_FACES"
    boxes = [f["box"] for f in listed.json()["faces"]]

    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{server.url}/people/{person['id']}")
    page.fill("input[name=token]", TOKEN)
    page.click("button.primary")
    page.wait_for_url(f"**/people/{person['id']}")

    # A group photo: every face comes back to be clicked, numbered on the photo.
    page.set_input_files("#photo-file", str(T1))
    page.click("#photo-form button.primary")
    page.wait_for_selector("#face-choice")
    verdict = page.inner_text("#verdict")
    assert "bấm vào khuôn mặt cần đăng ký" in verdict and "face_index" not in verdict
    assert page.locator("#face-choice .face-button").count() == 6
    assert page.evaluate("document.querySelector('.face-overview').naturalWidth") > 0
    # Click the fifth face in the photo itself (not its button): the page enrolls that face.
    box = page.evaluate(
        "(() => { const i = document.querySelector('.face-overview');"
        " const b = JSON.parse(i.dataset.boxes)[4]; const r = i.getBoundingClientRect();"
        " const s = r.width / i.naturalWidth;"
        " return [r.left + (b[0] + b[2] / 2) * s, r.top + (b[1] + b[3] / 2) * s]; })()"
    )
    page.mouse.click(box[0], box[1])
    page.wait_for_selector("#verdict.accepted")

    # The face enrolled is the one clicked: the API recognises her there and nowhere else.
    faces = api.post("/api/v1/identify", files={"file": T1.read_bytes()}).json()["faces"]
    matched = [f for f in faces if f["decision"] == "match"]
    assert len(matched) == 1
    assert np.linalg.norm(centre(matched[0]["box"]) - centre(boxes[4])) < 5

    # The same group photo again: not "accepted" a second time, but how to pick another face.
    page.set_input_files("#photo-file", str(T1))
    page.click("#photo-form button.primary")
    page.wait_for_selector("#verdict .again")
    again_text = page.inner_text("#verdict")
    assert "Ảnh này đã có" in again_text and "Ảnh đạt" not in again_text
    assert "hãy xóa ảnh đó" in again_text
    assert page.locator("#enrolled-photos li.photo").count() == 1

    # A second photo: her face cut from the group photo, sent as a file of its own.
    x, y, w, h = (int(v) for v in boxes[4])
    portrait = Image.open(T1).crop((x - w, y - h, x + 2 * w, y + 2 * h))
    portrait_path = tmp_path / "dung-chan-dung.jpg"
    portrait.save(portrait_path, "JPEG", quality=92)
    page.set_input_files("#photo-file", str(portrait_path))
    page.click("#photo-form button.primary")
    page.wait_for_selector("#verdict.accepted")
    photos = page.locator("#enrolled-photos li.photo")
    assert photos.count() == 2
    assert "dung-chan-dung.jpg" in photos.nth(1).inner_text()
    widths = page.evaluate(
        "[...document.querySelectorAll('#enrolled-photos img')].map(i => i.naturalWidth)"
    )
    assert widths == [160, 160]  # each photo shown as its face crop

    # Delete the first one (the group photo's face); the other stays and still matches.
    first_id = photos.nth(0).get_attribute("data-template")
    page.once("dialog", lambda dialog: dialog.accept())
    photos.nth(0).locator("button.danger").click()
    page.wait_for_url("**?ok=photo_erased")
    assert page.locator("#enrolled-photos li.photo").count() == 1
    left = api.get(f"/api/v1/people/{person['id']}/templates").json()
    assert [str(t["template_id"]) for t in left] != [first_id] and len(left) == 1
    crop = api.get(f"/api/v1/people/{person['id']}/templates/{first_id}/crop")
    assert crop.status_code == 404
    buffer = io.BytesIO()
    portrait.save(buffer, "JPEG")
    again = api.post("/api/v1/identify", files={"file": buffer.getvalue()}).json()["faces"]
    assert again[0]["decision"] == "match" and again[0]["person"]["id"] == person["id"]
    context.close()
