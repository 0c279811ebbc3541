"""Consent in a real browser: the form comes before the upload, a guardian's consent is
recorded, then withdrawn after the page's warning, which erases the photo."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import insightface
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer
from PIL import Image

pytestmark = pytest.mark.slow

TOKEN = "e2e-consent-admin-token-0123456789"
T1 = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_a_guardians_consent_opens_the_upload_and_its_withdrawal_erases(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    api = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
    )
    person = api.post("/api/v1/people", json={"full_name": "Lê Minh Khôi"}).json()
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{server.url}/people/{person['id']}")
    page.fill("input[name=token]", TOKEN)
    page.click("button.primary")
    page.wait_for_url(f"**/people/{person['id']}")

    assert page.locator("#photo-form").count() == 0  # no upload before consent
    form = page.locator("#consent-form")
    form.locator("input[name=given_by]").fill("Nguyễn Thị Mai")
    form.locator("input[value=guardian]").check()
    form.locator("input[name=relation]").fill("mẹ")
    form.locator("input[value=web_checkbox]").check()
    form.locator("input[name=purposes][value=meetings]").check()  # none is ticked for them
    form.locator("button.primary").click()  # the "has agreed" box is required: not sent yet
    assert page.locator("#consent-form").count() == 1
    form.locator("input[name=agreed]").check()
    form.locator("button.primary").click()
    page.wait_for_selector("#photo-form")
    assert "Nguyễn Thị Mai (mẹ)" in page.inner_text("#consent")

    with Image.open(T1) as t1:
        portrait = t1.convert("RGB").crop((0, 0, t1.width // 6, t1.height // 2))
    photo = tmp_path / "khoi.jpg"
    buffer = io.BytesIO()
    portrait.resize((portrait.width * 2, portrait.height * 2)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    page.set_input_files("#photo-file", str(photo))
    page.click("#photo-form button.primary")
    page.wait_for_selector("#verdict.accepted")
    assert api.get(f"/api/v1/people/{person['id']}").json()["templates"] == 1

    warnings: list[str] = []
    page.once("dialog", lambda dialog: (warnings.append(dialog.message), dialog.accept()))
    page.click("#consent button.danger")
    page.wait_for_selector("#consent-form")
    assert warnings and "sẽ bị xóa" in warnings[0]
    assert api.get(f"/api/v1/people/{person['id']}").json()["templates"] == 0
    context.close()
