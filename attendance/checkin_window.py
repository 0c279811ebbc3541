"""When a check-in may happen: the meeting's window by the server's clock, for every caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from attendance.errors import Forbidden, Invalid
from attendance.text import normalise_name

if TYPE_CHECKING:  # settings read the rules; they need not load the ORM for it
    from attendance.orm import Meeting

# Sources only staff write: a kiosk claiming one would pass its word off as a secretary's.
STAFF_SOURCES = frozenset({"manual", "review"})


@dataclass(frozen=True)
class CheckinRules:
    """ATTEND_CHECKIN__*: how early check-in opens, and how far a clock may run ahead."""

    opens_before: timedelta = timedelta(minutes=60)
    max_skew: timedelta = timedelta(seconds=120)
    kiosk_delivery: timedelta = timedelta(hours=24)  # an outbox delivering after an outage


@dataclass(frozen=True)
class CheckinWindow:
    opens_at: datetime
    closes_at: datetime  # exclusive: the meeting's end

    def contains(self, at: datetime) -> bool:
        return self.opens_at <= at < self.closes_at


def checkin_window(meeting: Meeting, rules: CheckinRules) -> CheckinWindow:
    """From `opens_before` ahead of the start until the meeting ends."""
    return CheckinWindow(meeting.starts_at - rules.opens_before, meeting.ends_at)


def kiosk_may_deliver(window: CheckinWindow, *, now: datetime, rules: CheckinRules) -> bool:
    """From the window's opening by the server's clock until `kiosk_delivery` after it closes:
    an outbox that waited out a network outage still delivers what its camera saw in time
    (each arrival's own `at` must lie in the window: ensure_checkin_time)."""
    return window.opens_at - rules.max_skew <= now < window.closes_at + rules.kiosk_delivery


def ensure_checkin_time(
    meeting: Meeting, *, at: datetime, now: datetime, rules: CheckinRules, zone: str
) -> None:
    """An arrival lies inside the meeting's window and not in the future beyond the skew."""
    window = checkin_window(meeting, rules)
    if at > now + rules.max_skew:
        raise Invalid(
            f"Thời điểm điểm danh {_clock(at, zone)} ở tương lai (giờ máy chủ {_clock(now, zone)})."
            f" The check-in time {_clock(at, zone)} is in the future "
            f"(the server's time is {_clock(now, zone)}).",
            code="CHECKIN_IN_FUTURE",
        )
    if not window.contains(at):
        opens, closes = _clock(window.opens_at, zone), _clock(window.closes_at, zone)
        raise Invalid(
            f"Thời điểm {_clock(at, zone)} nằm ngoài giờ điểm danh của cuộc họp "
            f"(từ {opens} đến {closes}). The time {_clock(at, zone)} is outside this "
            f"meeting's check-in window ({opens} to {closes}).",
            code="OUTSIDE_CHECKIN_WINDOW",
        )


def ensure_kiosk_may_check_in(
    meeting: Meeting,
    *,
    room: str | None,
    now: datetime,
    rules: CheckinRules,
    source: str,
    note: str | None,
) -> None:
    """A kiosk serves its own room's meetings while their window is open, and speaks only
    for its camera: no staff source, no note (those are a secretary's, with a reason)."""
    if (
        room is None
        or meeting.room != room
        or not kiosk_may_deliver(checkin_window(meeting, rules), now=now, rules=rules)
    ):
        raise Forbidden(
            "Kiosk này không phục vụ cuộc họp này (khác phòng hoặc chưa/hết giờ điểm danh). "
            "This kiosk does not serve this meeting (another room, or its check-in window "
            "is not open now).",
        )
    # Compared as it will be stored: "man\u200bual" is kept as "manual" (attendance.text).
    stored = normalise_name(source)
    if note:
        raise Forbidden(
            "Kiosk không được ghi chú vào điểm danh; lý do là việc của thư ký. "
            "A kiosk may not write a note: reasons are for staff, on a manual check-in.",
            code="KIOSK_CANNOT_CLAIM_MANUAL",
        )
    if stored.casefold() in STAFF_SOURCES:
        raise Forbidden(
            f"Kiosk không được ghi nguồn {stored!r}: điểm danh thủ công dành cho thư ký. "
            f"A kiosk may not claim source {stored!r}: manual check-ins are for staff.",
            code="KIOSK_CANNOT_CLAIM_MANUAL",
        )


def _clock(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).strftime("%H:%M %d/%m/%Y")
