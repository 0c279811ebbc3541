"""The kiosk screen in the system Chromium at 1920x1080 and 1280x800, in Vietnamese and in
English, with the browser in New York while the server's zone is Hanoi's: the cards a delegate
reads from two metres, "come closer" once per face, every time in the server's zone."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser_support import launch_chromium, wait_until
from kiosk_screen_support import (
    AN,
    BINH,
    CUONG,
    FAR,
    LONG_TITLE,
    PEOPLE,
    SERVER_ZONE,
    image,
    screen_kiosk,
)

pytestmark = pytest.mark.slow

TEXTS = {
    "vi": {
        "on_time": "Đúng giờ",
        "late": "Đi muộn",
        "closer": "Mời đồng chí đến gần hơn",
        "not_on_list": "Không có trong danh sách cuộc họp này",
        "already": "Đã điểm danh lúc ",
        "idle": "Mời đồng chí nhìn vào camera",
    },
    "en": {
        "on_time": "On time",
        "late": "Late",
        "closer": "Please come closer",
        "not_on_list": "Not on this meeting's list",
        "already": "Already checked in at ",
        "idle": "Please look at the camera",
    },
}
# Counts each time the "come closer" prompt goes from hidden to shown.
COUNT_PROMPTS = """() => {
  const prompt = document.getElementById("prompt");
  window.promptShows = prompt.hidden ? 0 : 1;
  let hidden = prompt.hidden;
  new MutationObserver(() => {
    if (hidden && !prompt.hidden) window.promptShows += 1;
    hidden = prompt.hidden;
  }).observe(prompt, { attributes: true });
}"""
# Every card and line inside the screen, nothing cut off or pushed out of it, and the cards
# clear of the recent list below them.
FITS = """() => [...document.querySelectorAll(".card, .card p, #camera, aside")].every((el) => {
  const box = el.getBoundingClientRect();
  return box.bottom <= innerHeight + 1 && box.right <= innerWidth + 1
    && el.scrollWidth <= el.clientWidth + 1;
}) && document.getElementById("cards").getBoundingClientRect().bottom
  <= document.getElementById("recent").getBoundingClientRect().top + 1"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def hanoi_clocks() -> set[str]:
    """HH:MM in the server's zone now and a minute ago (the test may cross a minute)."""
    now = datetime.now(ZoneInfo(SERVER_ZONE))
    return {(now - timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}


def cards(page: Any) -> list[dict[str, str]]:
    return page.evaluate(
        """() => [...document.querySelectorAll("#cards .card")].map((c) => ({
          kind: c.className.replace("card ", ""),
          name: c.querySelector(".name")?.textContent || "",
          title: c.querySelector(".title")?.textContent || "",
          unit: c.querySelector(".unit")?.textContent || "",
          badge: c.querySelector(".badge").textContent,
          at: c.querySelector(".at")?.textContent || "",
          hint: c.querySelector(".hint")?.textContent || "",
        }))"""
    )


def wait_for_cards(page: Any, count: int) -> list[dict[str, str]]:
    wait_until(page, f"document.querySelectorAll('#cards .card').length === {count}", 5)
    return cards(page)


@pytest.mark.parametrize(("width", "height", "lang"), [(1920, 1080, "vi"), (1280, 800, "en")])
def test_the_kiosk_screen_greets_from_two_metres(
    browser: Any, tmp_path: Path, width: int, height: int, lang: str
) -> None:
    texts = TEXTS[lang]
    context = browser.new_context(
        viewport={"width": width, "height": height}, timezone_id="America/New_York"
    )
    page = context.new_page()
    with screen_kiosk(tmp_path) as kiosk:
        page.goto(kiosk.url + ("/?lang=en" if lang == "en" else "/"))
        wait_until(page, "document.getElementById('clock').textContent !== ''", 5)
        assert page.inner_text("#idle") == texts["idle"]
        assert page.inner_text("#clock") in hanoi_clocks()  # not New York's time
        page.evaluate(COUNT_PROMPTS)

        # A face far off, lost and found by the tracker again and again for 15 s.
        for _ in range(6):
            kiosk.play([image(FAR)] * 3 + [image(0)] * 7)
            kiosk.clock.now += 2.5
            time.sleep(0.6)
        assert page.evaluate("window.promptShows") == 1
        assert kiosk.loop.tracker._next_id >= 7  # six tracks: one face
        assert page.is_hidden("#prompt")  # said for a card's time, then gone
        assert texts["closer"] not in page.inner_text("#events")

        # Bình, on time; then An, late, while Bình's card is still up: newest on top.
        kiosk.play([image(1, BINH)] * 2)
        (binh,) = wait_for_cards(page, 1)
        name, title, unit_name = PEOPLE[BINH]
        assert (binh["kind"], binh["name"], binh["title"], binh["unit"]) == (
            "welcome",
            name,
            title,
            unit_name,
        )
        assert binh["badge"] == texts["on_time"] and binh["at"] in hanoi_clocks()
        assert page.is_hidden("#idle")
        kiosk.play([image(0)] * 7 + [image(2, AN)] * 2)
        an, binh = wait_for_cards(page, 2)
        assert (an["kind"], an["name"], an["title"]) == ("late", PEOPLE[AN][0], LONG_TITLE)
        assert an["unit"] == PEOPLE[AN][2] and an["badge"] == texts["late"]
        assert an["at"] in hanoi_clocks() and binh["kind"] == "welcome"
        colours = page.evaluate(
            """() => [...document.querySelectorAll("#cards .badge")]
              .map((b) => getComputedStyle(b).backgroundColor)"""
        )
        assert colours[0] != colours[1]  # late and on time look different

        # Someone the kiosk knows who is on no list: a third card, said plainly.
        kiosk.play([image(0)] * 7 + [image(3, CUONG)] * 2)
        stranger, _, _ = wait_for_cards(page, 3)
        assert stranger["kind"] == "not_on_roster" and stranger["badge"] == texts["not_on_list"]
        assert stranger["hint"] and stranger["name"] == PEOPLE[CUONG][0]
        assert page.evaluate(FITS), "a card does not fit the screen"
        page.screenshot(path=str(tmp_path / f"kiosk-{lang}-{width}.png"))

        # A few seconds on, the cards go; the list keeps them.
        kiosk.clock.now += 5.5
        wait_for_cards(page, 0)
        assert page.is_visible("#idle")
        recent = page.inner_text("#events")
        assert all(PEOPLE[p][0] in recent for p in (AN, BINH, CUONG)), recent

        # Bình again, a new track within the cooldown: already checked in, at what time.
        kiosk.play([image(0)] * 7 + [image(1, BINH)] * 2)
        (again,) = wait_for_cards(page, 1)
        assert again["kind"] == "already_checked_in" and again["name"] == PEOPLE[BINH][0]
        assert again["badge"].startswith(texts["already"])
        assert again["badge"].removeprefix(texts["already"]) in hanoi_clocks()
        assert page.evaluate(FITS), "a card does not fit the screen"
    context.close()
