"""The kiosk screen's routes: the page (Vietnamese, or English with ?lang=en), what it shows
now (/cards), the recent events (/events) and the camera frame."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from kiosk.screen import ScreenLog
from kiosk.web import Reply, Route

_TEXTS = {
    "vi": {
        "title": "Điểm danh cuộc họp",
        "camera": "Hình ảnh camera",
        "waiting": "Đang chờ hình ảnh camera…",
        "idle": "Mời đồng chí nhìn vào camera",
        "events": "Điểm danh gần đây",
        "empty": "Chưa có ai.",
        "other": "English",
        "other_href": "/?lang=en",
    },
    "en": {
        "title": "Meeting check-in",
        "camera": "Camera",
        "waiting": "Waiting for the camera…",
        "idle": "Please look at the camera",
        "events": "Latest check-ins",
        "empty": "Nobody yet.",
        "other": "Tiếng Việt",
        "other_href": "/",
    },
}

STATIC = Path(__file__).resolve().parent / "static"

# Self-contained (no external assets): the kiosk may have no way out to the internet. No
# inline script or style either: the kiosk's server forbids them (kiosk/web.py, its CSP).
# The cards and the list are filled by screen.js from /cards and /events.
_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/screen.css">
</head>
<body data-lang="{lang}" data-empty="{empty}">
<header>
<h1>{title}</h1>
<time id="clock"></time>
<a href="{other_href}" lang="{other_lang}">{other}</a>
</header>
<main>
<figure id="camera">
<img id="frame" src="/frame.jpg" alt="{camera}">
<p id="waiting" hidden>{waiting}</p>
<p id="prompt" role="status" hidden></p>
</figure>
<aside>
<section id="cards" aria-live="polite"></section>
<p id="idle">{idle}</p>
<section id="recent">
<h2>{events}</h2>
<ul id="events"><li>{empty}</li></ul>
</section>
</aside>
</main>
<script src="/screen.js"></script>
</body>
</html>
"""


def render_page(lang: str) -> str:
    lang = lang if lang in _TEXTS else "vi"
    texts = {k: escape(v) for k, v in _TEXTS[lang].items()}
    return _PAGE.format(lang=lang, other_lang="en" if lang == "vi" else "vi", **texts)


def screen_routes(screen: ScreenLog) -> dict[str, Route]:
    def page(query: dict[str, str]) -> Reply:
        body = render_page(query.get("lang", "vi")).encode()
        return Reply(body, "text/html; charset=utf-8")

    def as_json(value: object) -> Reply:
        body = json.dumps(value, ensure_ascii=False).encode()
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
        "/events": lambda _query: as_json(screen.events_json()),
        "/cards": lambda _query: as_json(screen.now_json()),
        "/frame.jpg": frame,
        "/screen.js": asset("screen.js", "text/javascript; charset=utf-8"),
        "/screen.css": asset("screen.css", "text/css; charset=utf-8"),
    }
