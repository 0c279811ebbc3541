"""A photo or scan (PNG, JPEG) among a meeting's documents is shown in the phone page's
viewer, fetched with the link's Bearer header as a blob, not only offered for download
(usertest 14, finding 10). A real browser against a real server process."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from e2e.browser_support import wait_until
from e2e.e2e_server import Server
from PIL import Image
from test_vote_documents_tab import (  # the fixtures and builders of the documents tab test
    DELEGATE,
    Meeting,
    browser,  # noqa: F401  (a fixture)
    decoded,
    model_cache,  # noqa: F401  (a fixture)
    phone,
    server,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.slow


def png(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), (180, 30, 40)).save(out, format="PNG")
    return out.getvalue()


def test_a_png_is_shown_in_the_viewer(server: Server, browser: Any) -> None:  # noqa: F811
    meeting = Meeting(server, "Họp giao ban có sơ đồ")
    plan = meeting.upload("Sơ đồ phòng họp", "Sơ đồ.png", png(640, 400))
    page = phone(browser)
    page.goto(meeting.link)
    page.get_by_text(DELEGATE).wait_for()
    page.get_by_role("tab", name="Tài liệu").click()
    card = page.locator(f"#doc-{plan['id']}")
    card.wait_for()
    assert card.get_by_role("button", name="Tải về").count() == 1
    card.get_by_role("button", name="Xem").click()
    page.locator("#page-1 img").wait_for(state="attached")
    wait_until(page, decoded("#page-1"), 30)
    shown = page.evaluate("[...document.querySelectorAll('#page-1 img')].map(i => i.naturalWidth)")
    assert shown == [640]  # the file itself, as uploaded
    assert page.locator("#page-1 img").get_attribute("src").startswith("blob:")
    assert page.locator("#page-of").inner_text() == "Trang 1/1"
    page.get_by_role("button", name="← Danh sách tài liệu").click()
    card.wait_for()
    page.context.close()
