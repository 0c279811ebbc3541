"""Enrolling from the browser's camera: Chromium's fake camera plays a real face photo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import httpx
import insightface
import numpy as np
import pytest
from browser_support import launch_chromium, wait_until
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-webcam-admin-token-0123456789"
T1_PATH = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"


def camera_video(path: Path) -> Path:
    """A few 640x480 frames (Y4M, what Chromium's fake camera reads) of one face of t1.jpg,
    head and shoulders, as a webcam on a desk would see a person sitting in front of it."""
    image = cv2.imread(str(T1_PATH))
    assert image is not None
    height, width = image.shape[:2]
    # The leftmost person of t1.jpg, cut out generously and scaled to fill the frame.
    crop = image[0 : height // 2, 0 : width // 6]
    frame = np.full((480, 640, 3), 128, np.uint8)
    scale = min(440 / crop.shape[0], 600 / crop.shape[1])
    resized = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    y, x = (480 - resized.shape[0]) // 2, (640 - resized.shape[1]) // 2
    frame[y : y + resized.shape[0], x : x + resized.shape[1]] = resized
    planes = cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes()
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F25:1 Ip A1:1 C420jpeg\n")
        for _ in range(25):
            out.write(b"FRAME\n" + planes)
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    video = camera_video(tmp_path_factory.mktemp("camera") / "face.y4m")
    yield from launch_chromium(
        (
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",  # answers the camera permission prompt: allow
            f"--use-file-for-fake-video-capture={video}",
        )
    )


def test_a_photo_taken_with_the_browsers_camera_is_enrolled(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    person = api.post("/api/v1/people", json={"full_name": "Phan Thị Kim Liên"}).json()
    consent = {"given_by": "Phan Thị Kim Liên", "relation": "self", "purposes": ["meetings"]}
    api.post(f"/api/v1/people/{person['id']}/consents", json={**consent, "method": "paper_form"})
    page = browser.new_page()
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    page.goto(f"{server.url}/people/{person['id']}")
    page.click("#webcam-start")
    wait_until(page, "document.getElementById('webcam-video').videoWidth > 0", timeout=10)
    page.click("#webcam-shoot")
    page.wait_for_selector("#verdict", timeout=30_000)
    verdict = page.inner_text("#verdict")
    assert "Ảnh đạt" in verdict, verdict
    assert api.get(f"/api/v1/people/{person['id']}").json()["templates"] == 1
    page.close()
