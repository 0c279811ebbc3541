"""The kiosk screen over HTTP: the page in both languages, /events, /frame.jpg."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import datetime, timezone

import httpx
import numpy as np
import pytest

from kiosk.screen import ScreenEvent, ScreenKind, ScreenLog, ScreenPerson, ShownFace
from kiosk.screen_page import screen_routes
from kiosk.web import KioskWebServer

AT = datetime(2026, 3, 2, 8, 5, tzinfo=timezone.utc)


@pytest.fixture
def served() -> Iterator[tuple[str, ScreenLog]]:
    screen = ScreenLog()
    stop = threading.Event()
    server = KioskWebServer(("127.0.0.1", 0), screen_routes(screen), stop)
    server.start()
    try:
        yield f"http://127.0.0.1:{server.address[1]}", screen
    finally:
        stop.set()
        server.close()


def test_page_is_vietnamese_by_default_and_english_on_request(
    served: tuple[str, ScreenLog],
) -> None:
    base, _ = served
    vi = httpx.get(base + "/")
    assert vi.status_code == 200
    assert vi.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="vi">' in vi.text and "Điểm danh cuộc họp" in vi.text
    assert '<img id="frame" src="/frame.jpg"' in vi.text and 'data-lang="vi"' in vi.text
    assert "http://" not in vi.text and "https://" not in vi.text  # self-contained
    en = httpx.get(base + "/?lang=en")
    assert '<html lang="en">' in en.text and "Meeting check-in" in en.text


def test_the_page_has_no_inline_code_and_every_answer_carries_the_security_headers(
    served: tuple[str, ScreenLog],
) -> None:
    base, _ = served
    page = httpx.get(base + "/")
    assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None
    assert "<style" not in page.text and " style=" not in page.text
    assert re.search(r"\son[a-z]+=", page.text) is None
    script = httpx.get(base + "/screen.js")
    assert script.headers["content-type"].startswith("text/javascript") and "/events" in script.text
    assert httpx.get(base + "/screen.css").headers["content-type"].startswith("text/css")
    for path in ("/", "/events", "/cards", "/screen.js", "/frame.jpg", "/nothing"):
        headers = httpx.get(base + path).headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert (
            headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        )
        assert headers["referrer-policy"] == "no-referrer"


def test_events_are_json_newest_first(served: tuple[str, ScreenLog]) -> None:
    base, screen = served
    assert httpx.get(base + "/events").json() == []
    an = ScreenPerson(1, "Nguyễn Văn An", "Chủ tịch UBND quận")
    screen.add(ScreenEvent(AT, ScreenKind.WELCOME, an, 7))
    screen.add(ScreenEvent(AT, ScreenKind.COME_CLOSER))
    reply = httpx.get(base + "/events")
    assert reply.headers["content-type"].startswith("application/json")
    events = reply.json()
    assert [e["kind"] for e in events] == ["come_closer", "welcome"]
    assert events[1]["person"] == {
        "id": 1,
        "full_name": "Nguyễn Văn An",
        "title": "Chủ tịch UBND quận",
        "unit": None,
    }
    assert events[1]["message_vi"] == "Xin chào đồng chí Nguyễn Văn An, Chủ tịch UBND quận"
    # The contract's fields, and more for the page's cards.
    assert {"at", "kind", "person", "meeting_id", "message_vi", "message_en"} <= set(events[0])
    assert events[0]["id"] > events[1]["id"]


def test_cards_say_what_is_on_show_now(served: tuple[str, ScreenLog]) -> None:
    base, screen = served
    now = httpx.get(base + "/cards").json()
    assert now["cards"] == [] and now["prompt"] is None and now["zone"] == "Asia/Ho_Chi_Minh"
    an = ScreenPerson(1, "Nguyễn Văn An", "Phó Giám đốc Sở", "Sở Giáo dục và Đào tạo")
    screen.add(ScreenEvent(AT, ScreenKind.LATE, an, 7))
    screen.add(ScreenEvent(AT, ScreenKind.COME_CLOSER))
    now = httpx.get(base + "/cards").json()
    assert [c["kind"] for c in now["cards"]] == ["late"]
    assert now["cards"][0]["person"]["unit"] == "Sở Giáo dục và Đào tạo"
    assert now["prompt"]["vi"] == "Mời đồng chí đến gần hơn"


def test_frame_is_503_before_the_first_frame_then_a_jpeg(served: tuple[str, ScreenLog]) -> None:
    base, screen = served
    before = httpx.get(base + "/frame.jpg")
    assert before.status_code == 503 and before.text
    screen.show(np.full((90, 120, 3), 80, dtype=np.uint8), [ShownFace((5, 5, 30, 30), False)])
    after = httpx.get(base + "/frame.jpg")
    assert after.status_code == 200
    assert after.headers["content-type"] == "image/jpeg"
    assert after.content.startswith(b"\xff\xd8")
