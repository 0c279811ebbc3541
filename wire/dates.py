"""Dates as they enter: ISO 8601 text only, within the years this system handles."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

# Far enough either side of any real meeting; near year 1 or 9999, adding a day or showing
# the time in another zone overflows (a 500 on every page the meeting appears on).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def out_of_range_message(value: datetime) -> str | None:
    """The bilingual reason `value` (as written, in its own offset) is refused, or None."""
    if FIRST_DAY <= value.date() <= LAST_DAY:
        return None
    return (
        f"Ngày {value.date().isoformat()} nằm ngoài khoảng hỗ trợ "
        f"({FIRST_DAY:%d/%m/%Y} đến {LAST_DAY:%d/%m/%Y}). "
        f"The date {value.date().isoformat()} is outside the supported range "
        f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})."
    )


def _iso_in_range(value: Any) -> datetime:
    # A number would be read as a Unix timestamp (0 is 1970): refuse anything but text.
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"Không phải ngày giờ ISO 8601 ({value[:40]!r}, ví dụ 2026-03-02T08:00:00+07:00). "
                "Not an ISO 8601 date and time (e.g. 2026-03-02T08:00:00+07:00)."
            ) from None
    else:
        raise ValueError(
            "Ngày giờ phải là chuỗi ISO 8601, không phải số. "
            "A date and time must be an ISO 8601 string, not a number."
        )
    message = out_of_range_message(parsed)
    if message is not None:
        raise ValueError(message)
    return parsed


# Every datetime a client sends: the API's schemas, the kiosk's check-ins.
ApiDateTime = Annotated[datetime, BeforeValidator(_iso_in_range)]
