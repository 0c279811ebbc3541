"""What the kiosk screen says to a face, in Vietnamese and English, and its JSON for the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class ScreenKind(str, Enum):
    WELCOME = "welcome"  # checked in, on time
    LATE = "late"
    ALREADY_CHECKED_IN = "already_checked_in"
    NOT_ON_ROSTER = "not_on_roster"
    COME_CLOSER = "come_closer"
    GOODBYE = "goodbye"  # a school gate's kiosk: a student leaving in the afternoon


@dataclass(frozen=True)
class ScreenPerson:
    id: int
    full_name: str
    title: str | None = None
    unit: str | None = None


# (Vietnamese, English) for each part of a card; "{at}" is a time, HH:MM.
_GREETING = ("Xin chào đồng chí", "Welcome")
_STUDENT_GREETING = ("Chào em", "Welcome")  # at a school's gate: "đồng chí" is for officials
_FAREWELL = ("Tạm biệt", "Goodbye")
_STATUS = {
    ScreenKind.WELCOME: ("Đúng giờ", "On time"),
    ScreenKind.LATE: ("Đi muộn", "Late"),
    ScreenKind.ALREADY_CHECKED_IN: ("Đã điểm danh", "Already checked in"),
    ScreenKind.NOT_ON_ROSTER: (
        "Không có trong danh sách cuộc họp này",
        "Not on this meeting's list",
    ),
    ScreenKind.COME_CLOSER: ("Mời đồng chí đến gần hơn", "Please come closer"),
    ScreenKind.GOODBYE: ("Đã ra về", "Left"),
}
_ALREADY_AT = ("Đã điểm danh lúc {at}", "Already checked in at {at}")
_NOT_ON_ROSTER_HINT = (
    "Mời đồng chí liên hệ thư ký cuộc họp.",
    "Please see the meeting's secretary.",
)


@dataclass(frozen=True)
class ScreenEvent:
    """Times are shown as they are given, in their own offset: the greeter gives them in the
    server's zone, so the screen never shows the kiosk's or the browser's zone."""

    at: datetime
    kind: ScreenKind
    person: ScreenPerson | None = None
    meeting_id: int | None = None
    checked_in_at: datetime | None = None  # ALREADY_CHECKED_IN: the first check-in, if known
    student: bool = False  # a school gate's card: a child is greeted as one

    def _salute(self) -> str:
        return "em" if self.student else "đồng chí"

    def greeting(self) -> tuple[str, str] | None:
        if self.kind in (ScreenKind.WELCOME, ScreenKind.LATE, ScreenKind.ALREADY_CHECKED_IN):
            return _STUDENT_GREETING if self.student else _GREETING
        return _FAREWELL if self.kind is ScreenKind.GOODBYE else None

    def status(self) -> tuple[str, str]:
        if self.kind is ScreenKind.ALREADY_CHECKED_IN and self.checked_in_at is not None:
            at = clock(self.checked_in_at)
            return _ALREADY_AT[0].format(at=at), _ALREADY_AT[1].format(at=at)
        return _STATUS[self.kind]

    def hint(self) -> tuple[str, str] | None:
        return _NOT_ON_ROSTER_HINT if self.kind is ScreenKind.NOT_ON_ROSTER else None

    def message_vi(self) -> str:
        name = self.person.full_name if self.person else ""
        if self.kind is ScreenKind.WELCOME:
            title = self.person.title if self.person else None
            greeting = "Chào em" if self.student else "Xin chào đồng chí"
            return f"{greeting} {name}" + (f", {title}" if title else "")
        if self.kind is ScreenKind.LATE:
            greeting = "Chào em" if self.student else "Xin chào đồng chí"
            return f"{greeting} {name} — đi muộn"
        if self.kind is ScreenKind.ALREADY_CHECKED_IN:
            at = f" lúc {clock(self.checked_in_at)}" if self.checked_in_at else ""
            return f"{self._salute().capitalize()} {name} đã điểm danh{at}"
        if self.kind is ScreenKind.GOODBYE:
            return f"Tạm biệt {name}"
        return self.status()[0]

    def message_en(self) -> str:
        name = self.person.full_name if self.person else ""
        if self.kind is ScreenKind.WELCOME:
            return f"Welcome, {name}"
        if self.kind is ScreenKind.LATE:
            return f"Welcome, {name} — late"
        if self.kind is ScreenKind.ALREADY_CHECKED_IN:
            at = f" at {clock(self.checked_in_at)}" if self.checked_in_at else ""
            return f"{name} already checked in{at}"
        if self.kind is ScreenKind.GOODBYE:
            return f"Goodbye, {name}"
        return self.status()[1]

    def to_json(self) -> dict[str, object]:
        person = self.person
        greeting, status, hint = self.greeting(), self.status(), self.hint()
        return {
            "at": self.at.isoformat(),
            "clock": clock(self.at),
            "kind": self.kind.value,
            "person": None
            if person is None
            else {
                "id": person.id,
                "full_name": person.full_name,
                "title": person.title,
                "unit": person.unit,
            },
            "meeting_id": self.meeting_id,
            "checked_in_at": None if self.checked_in_at is None else self.checked_in_at.isoformat(),
            "message_vi": self.message_vi(),
            "message_en": self.message_en(),
            "greeting_vi": greeting[0] if greeting else None,
            "greeting_en": greeting[1] if greeting else None,
            "status_vi": status[0],
            "status_en": status[1],
            "hint_vi": hint[0] if hint else None,
            "hint_en": hint[1] if hint else None,
        }


def clock(at: datetime) -> str:
    """HH:MM as the time was given (the greeter gives the server's zone)."""
    return at.strftime("%H:%M")
