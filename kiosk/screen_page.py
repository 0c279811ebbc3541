"""The kiosk screen's routes: the page (Vietnamese, or English with ?lang=en), events, frame."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.screen import ScreenLog
from kiosk.web import Reply, Route

_TEXTS = {
    "vi": {
        "title": "Điểm danh cuộc họp",
        "camera": "Hình ảnh camera",
        "events": "Điểm danh gần đây",
        "empty": "Chưa có ai.",
        "other": "English",
        "other_href": "/?lang=en",
    },
    "en": {
        "title": "Meeting check-in",
        "camera": "Camera",
        "events": "Latest check-ins",
        "empty": "Nobody yet.",
        "other": "Tiếng Việt",
        "other_href": "/",
    },
}

STATIC = Path(__file__).resolve().parent / "static"

# Self-contained (no external assets): the kiosk may have no way out to the internet. No
# inline script or style either: the kiosk's server forbids them (kiosk/web.py, its CSP).
_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/screen.css">
</head>
<body data-lang="{lang}" data-empty="{empty}">
<header><h1>{title}</h1><a href="{other_href}">{other}</a></header>
<main>
<img id="frame" src="/frame.jpg" alt="{camera}">
<section><h2>{events}</h2><ul id="events"><li>{empty}</li></ul></section>
</main>
<script src="/screen.js"></script>
</body>
</html>
"""


def render_page(lang: str) -> str:
    lang = lang if lang in _TEXTS else "vi"
    return _PAGE.format(lang=lang, **_TEXTS[lang])


def screen_routes(screen: ScreenLog) -> dict[str, Route]:
    def page(query: dict[str, str]) -> Reply:
        body = render_page(query.get("lang", "vi")).encode()
        return Reply(body, "text/html; charset=utf-8")

    def events(_query: dict[str, str]) -> Reply:
        body = json.dumps([e.to_json() for e in screen.latest()], ensure_ascii=False).encode()
        return Reply(body, "application/json; charset=utf-8")

    def frame(_query: dict[str, str]) -> Reply:
        jpeg = screen.frame_jpeg()
        if jpeg is None:
            return Reply(b"no frame yet\n", "text/plain; charset=utf-8", 503)
        return Reply(jpeg, "image/jpeg")

    def asset(name: str, content_type: str) -> Route:
        body = (STATIC / name).read_bytes()
        return lambda _query: Reply(body, content_type)

    return {
        "/": page,
        "/events": events,
        "/frame.jpg": frame,
        "/screen.js": asset("screen.js", "text/javascript; charset=utf-8"),
        "/screen.css": asset("screen.css", "text/css; charset=utf-8"),
    }
