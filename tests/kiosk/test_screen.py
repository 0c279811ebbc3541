"""The kiosk screen's texts (Vietnamese and English), its bounded, newest-first log, and the
cards it shows: a few seconds each, a few at once, the rest waiting their turn."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np

from kiosk.screen import ScreenEvent, ScreenKind, ScreenLog, ScreenPerson, ShownFace

AT = datetime(2026, 3, 2, 8, 5, tzinfo=timezone.utc)
AN = ScreenPerson(1, "Nguyễn Văn An", "Chủ tịch UBND quận")
BINH = ScreenPerson(2, "Trần Thị Bình")


def texts(event: ScreenEvent) -> tuple[str, str]:
    return event.message_vi(), event.message_en()


def test_welcome_greets_by_name_and_title_in_both_languages() -> None:
    assert texts(ScreenEvent(AT, ScreenKind.WELCOME, AN, 7)) == (
        "Xin chào đồng chí Nguyễn Văn An, Chủ tịch UBND quận",
        "Welcome, Nguyễn Văn An",
    )
    assert texts(ScreenEvent(AT, ScreenKind.WELCOME, BINH, 7)) == (
        "Xin chào đồng chí Trần Thị Bình",
        "Welcome, Trần Thị Bình",
    )


def test_late_arrival_is_said_so() -> None:
    assert texts(ScreenEvent(AT, ScreenKind.LATE, AN, 7)) == (
        "Xin chào đồng chí Nguyễn Văn An — đi muộn",
        "Welcome, Nguyễn Văn An — late",
    )


def test_already_checked_in_gives_the_first_time_as_given() -> None:
    first = datetime(2026, 3, 2, 7, 58)  # naive: shown as it is
    event = ScreenEvent(AT, ScreenKind.ALREADY_CHECKED_IN, BINH, 7, first)
    assert texts(event) == (
        "Đồng chí Trần Thị Bình đã điểm danh lúc 07:58",
        "Trần Thị Bình already checked in at 07:58",
    )
    unknown = ScreenEvent(AT, ScreenKind.ALREADY_CHECKED_IN, BINH, 7)
    assert texts(unknown) == (
        "Đồng chí Trần Thị Bình đã điểm danh",
        "Trần Thị Bình already checked in",
    )


def test_not_on_roster_and_come_closer() -> None:
    assert texts(ScreenEvent(AT, ScreenKind.NOT_ON_ROSTER, AN)) == (
        "Không có trong danh sách cuộc họp này",
        "Not on this meeting's list",
    )
    assert texts(ScreenEvent(AT, ScreenKind.COME_CLOSER)) == (
        "Mời đồng chí đến gần hơn",
        "Please come closer",
    )


def test_json_shape() -> None:
    assert ScreenEvent(AT, ScreenKind.WELCOME, AN, 7).to_json() == {
        "at": "2026-03-02T08:05:00+00:00",
        "clock": "08:05",
        "kind": "welcome",
        "person": {
            "id": 1,
            "full_name": "Nguyễn Văn An",
            "title": "Chủ tịch UBND quận",
            "unit": None,
        },
        "meeting_id": 7,
        "checked_in_at": None,
        "message_vi": "Xin chào đồng chí Nguyễn Văn An, Chủ tịch UBND quận",
        "message_en": "Welcome, Nguyễn Văn An",
        "greeting_vi": "Xin chào đồng chí",
        "greeting_en": "Welcome",
        "status_vi": "Đúng giờ",
        "status_en": "On time",
        "hint_vi": None,
        "hint_en": None,
    }
    assert ScreenEvent(AT, ScreenKind.COME_CLOSER).to_json()["person"] is None


def test_each_card_says_its_status_plainly() -> None:
    first = datetime(2026, 3, 2, 7, 58, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    late = ScreenEvent(AT, ScreenKind.LATE, AN, 7).to_json()
    assert (late["status_vi"], late["status_en"]) == ("Đi muộn", "Late")
    already = ScreenEvent(AT, ScreenKind.ALREADY_CHECKED_IN, BINH, 7, first).to_json()
    assert already["status_vi"] == "Đã điểm danh lúc 07:58"
    assert already["status_en"] == "Already checked in at 07:58"
    assert already["checked_in_at"] == "2026-03-02T07:58:00+07:00"
    stranger = ScreenEvent(AT, ScreenKind.NOT_ON_ROSTER, BINH).to_json()
    assert stranger["status_vi"] == "Không có trong danh sách cuộc họp này"
    assert stranger["hint_vi"] == "Mời đồng chí liên hệ thư ký cuộc họp."
    assert stranger["hint_en"] == "Please see the meeting's secretary."
    assert stranger["greeting_vi"] is None


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def card_names(log: ScreenLog) -> list[str]:
    cards = log.now_json()["cards"]
    assert isinstance(cards, list)
    return [c["person"]["full_name"] for c in cards]


def test_a_card_stays_its_seconds_then_goes() -> None:
    clock = Clock()
    log = ScreenLog(card_seconds=5, clock=clock)
    assert log.now_json()["cards"] == []
    log.add(ScreenEvent(AT, ScreenKind.WELCOME, AN, 7))
    clock.now += 4.9
    assert card_names(log) == ["Nguyễn Văn An"]
    clock.now += 0.2
    assert card_names(log) == []
    assert [e.person.id for e in log.latest() if e.person] == [1]  # still in the list


def test_a_group_is_shown_three_at_a_time_newest_first_then_the_rest() -> None:
    clock = Clock()
    log = ScreenLog(card_seconds=5, max_cards=3, clock=clock)
    for n in range(5):
        log.add(ScreenEvent(AT, ScreenKind.WELCOME, ScreenPerson(n, f"P{n}"), 7))
    assert card_names(log) == ["P2", "P1", "P0"]
    clock.now += 5
    assert card_names(log) == ["P4", "P3"]
    clock.now += 5
    assert card_names(log) == []


def test_come_closer_is_a_prompt_not_a_card() -> None:
    clock = Clock()
    log = ScreenLog(card_seconds=5, clock=clock)
    log.add(ScreenEvent(AT, ScreenKind.COME_CLOSER))
    log.add(ScreenEvent(AT, ScreenKind.COME_CLOSER))
    now = log.now_json()
    assert now["cards"] == []
    assert now["prompt"] == {"vi": "Mời đồng chí đến gần hơn", "en": "Please come closer"}
    clock.now += 6
    assert log.now_json()["prompt"] is None


def test_log_keeps_the_newest_first_and_at_most_its_size() -> None:
    log = ScreenLog(max_events=3)
    for person_id in range(5):
        log.add(ScreenEvent(AT, ScreenKind.WELCOME, ScreenPerson(person_id, f"P{person_id}")))
    assert [e.person.id for e in log.latest() if e.person] == [4, 3, 2]


def test_frame_is_none_until_shown_then_a_jpeg_with_boxes() -> None:
    log = ScreenLog()
    assert log.frame_jpeg() is None
    image = np.zeros((120, 160, 3), dtype=np.uint8)
    log.show(image, [ShownFace((10, 10, 40, 50), True), ShownFace((80, 20, 30, 30), False)])
    jpeg = log.frame_jpeg()
    assert jpeg is not None and jpeg.startswith(b"\xff\xd8")
    assert not image.any()  # the boxes are drawn on a copy
