"""The kiosk screen's texts (Vietnamese and English) and its bounded, newest-first log."""

from __future__ import annotations

from datetime import datetime, timezone

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
        "Xin chào đồng chí Nguyễn Văn An — đến muộn",
        "Welcome, Nguyễn Văn An — late",
    )


def test_already_checked_in_gives_the_first_time_on_the_local_clock() -> None:
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
        "kind": "welcome",
        "person": {"id": 1, "full_name": "Nguyễn Văn An", "title": "Chủ tịch UBND quận"},
        "meeting_id": 7,
        "message_vi": "Xin chào đồng chí Nguyễn Văn An, Chủ tịch UBND quận",
        "message_en": "Welcome, Nguyễn Văn An",
    }
    assert ScreenEvent(AT, ScreenKind.COME_CLOSER).to_json()["person"] is None


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
