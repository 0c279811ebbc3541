"""The kiosk screen at a school's gate, in the system Chromium: a student leaving in the
afternoon is told goodbye, in Vietnamese and in English, with the time in the server's zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser_support import launch_chromium
from kiosk_screen_support import SERVER_ZONE, screen_kiosk
from test_kiosk_screen_browser import hanoi_clocks, wait_for_cards

from kiosk.screen import ScreenKind, ScreenPerson
from kiosk.screen_texts import ScreenEvent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.mark.parametrize(
    ("lang", "greeting", "badge"), [("vi", "Tạm biệt", "Đã ra về"), ("en", "Goodbye", "Left")]
)
def test_a_student_leaving_by_the_gate_is_told_goodbye(
    browser: Any, tmp_path: Path, lang: str, greeting: str, badge: str
) -> None:
    page = browser.new_context(
        viewport={"width": 1280, "height": 800}, timezone_id="America/New_York"
    ).new_page()
    with screen_kiosk(tmp_path) as kiosk:
        now = datetime.now(ZoneInfo(SERVER_ZONE))
        mai = ScreenPerson(7, "Lê Thị Mai", None, "Lớp 10A1")
        kiosk.loop.screen.add(ScreenEvent(now, ScreenKind.GOODBYE, mai, 1))
        page.goto(kiosk.url + ("/?lang=en" if lang == "en" else "/"))
        (card,) = wait_for_cards(page, 1)
        assert (card["kind"], card["name"], card["unit"]) == ("goodbye", "Lê Thị Mai", "Lớp 10A1")
        assert card["badge"] == badge and card["at"] in hanoi_clocks()
        assert page.inner_text("#cards .greeting") == greeting
    page.context.close()
