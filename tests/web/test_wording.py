"""One word for late wherever a person reads it: "Đi muộn", as attendance records say."""

from __future__ import annotations

from pathlib import Path

from api.vote_page import TEXTS as VOTE_TEXTS
from api.web.texts import TEXTS

ROOT = Path(__file__).resolve().parents[2]
# The pages, their scripts, the exports and the demo's printout. The kiosk's screen has its
# own texts (kiosk/screen.py).
READ_BY_PEOPLE = [
    *(ROOT / "api" / "web" / "templates").glob("*.html"),
    *(ROOT / "api" / "web" / "static").glob("*.js"),
    *(ROOT / "attendance" / "exports").glob("*.py"),
    ROOT / "api" / "demo.py",
]


def test_late_is_said_one_way_in_every_text_page_and_export() -> None:
    texts = [vi for vi, _ in TEXTS.values()] + [
        t for lang in VOTE_TEXTS.values() for t in lang.values()
    ]
    texts += [path.read_text(encoding="utf-8") for path in READ_BY_PEOPLE]
    assert [t for t in texts if "đến muộn" in t.casefold()] == []
    assert TEXTS["status_late"][0] == TEXTS["late"][0] == "Đi muộn"
