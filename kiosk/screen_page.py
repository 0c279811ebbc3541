"""The kiosk screen's routes: the page (Vietnamese, or English with ?lang=en), events, frame."""

from __future__ import annotations

import json

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

# Self-contained (no external assets): the kiosk may have no way out to the internet.
_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ margin: 0; font-family: system-ui, sans-serif; background: #111; color: #eee; }}
header {{ display: flex; justify-content: space-between; padding: 0.5em 1em; }}
header a {{ color: #9cf; }}
main {{ display: flex; gap: 1em; padding: 0 1em; }}
#frame {{ flex: 3; max-width: 75%; border: 1px solid #333; }}
section {{ flex: 2; }}
li {{ list-style: none; margin: 0.4em 0; padding: 0.5em; background: #222; font-size: 1.3em; }}
li.welcome {{ border-left: 6px solid #2c2; }}
li.late {{ border-left: 6px solid #e90; }}
li.already_checked_in {{ border-left: 6px solid #39f; }}
li.not_on_roster {{ border-left: 6px solid #e33; }}
li.come_closer {{ border-left: 6px solid #ee3; }}
time {{ color: #999; font-size: 0.7em; margin-right: 0.5em; }}
</style>
</head>
<body>
<header><h1>{title}</h1><a href="{other_href}">{other}</a></header>
<main>
<img id="frame" src="/frame.jpg" alt="{camera}">
<section><h2>{events}</h2><ul id="events"><li>{empty}</li></ul></section>
</main>
<script>
const LANG = "{lang}";
const EMPTY = "{empty}";
const frame = document.getElementById("frame");
setInterval(() => {{ frame.src = "/frame.jpg?t=" + Date.now(); }}, 500);
function clock(iso) {{
  const d = new Date(iso);
  return d.toLocaleTimeString(LANG === "vi" ? "vi-VN" : "en-GB",
    {{ hour: "2-digit", minute: "2-digit", second: "2-digit" }});
}}
async function poll() {{
  try {{
    const events = await (await fetch("/events")).json();
    const list = document.getElementById("events");
    list.replaceChildren();
    for (const e of events) {{
      const li = document.createElement("li");
      li.className = e.kind;
      const t = document.createElement("time");
      t.textContent = clock(e.at);
      li.append(t, LANG === "vi" ? e.message_vi : e.message_en);
      list.append(li);
    }}
    if (!events.length) {{
      const li = document.createElement("li");
      li.textContent = EMPTY;
      list.append(li);
    }}
  }} catch (err) {{ /* the kiosk may be restarting: try again next second */ }}
}}
poll();
setInterval(poll, 1000);
</script>
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

    return {"/": page, "/events": events, "/frame.jpg": frame}
