"""A class's timetable: one session, or a weekly pattern over a date range (all or nothing, a
slot already there is not made twice), and each school's late and absent rules."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict, Invalid
from attendance.orm import Meeting
from attendance.schools.classes import get_class
from attendance.schools.sessions import Rules, create_session, entered_late, rules_for
from attendance.schools.tables import ClassSession, SchoolRules
from attendance.text import clean_text

logger = logging.getLogger(__name__)

MAX_PATTERN_SESSIONS = 1000  # a school year of one class is about 35 weeks x 30 periods
MAX_PATTERN_DAYS = 400  # one school year and some
MAX_RULE_MINUTES = 240  # a cut-off four hours after the bell is already past most lessons


@dataclass(frozen=True)
class Slot:
    """One lesson of the week: `weekday` 1 (Monday) .. 7 (Sunday)."""

    weekday: int
    start: time
    end: time
    period: int | None = None
    subject: str | None = None
    room: str | None = None


@dataclass(frozen=True)
class PatternResult:
    created: list[int]  # the new sessions' ids (meeting ids), in time order
    existing: list[int]  # sessions already at that class, day and period: left as they were
    past: list[int] = field(default_factory=list)  # created after their cut-off: never absent


def add_session(
    session: Session,
    *,
    class_id: int,
    day: date,
    start: time,
    end: time,
    zone: str,
    period: int | None = None,
    subject: str | None = None,
    room: str | None = None,
    actor: str = "system",
) -> ClassSession:
    """One session; 409 SESSION_EXISTS when the class already has one at that day and period."""
    get_class(session, class_id=class_id)
    _check_period(period)
    found = _existing(session, class_id=class_id, day=day, period=period)
    if found is not None:
        raise Conflict(
            f"Lớp đã có tiết {period} ngày {day:%d/%m/%Y} (buổi số {found}). "
            f"The class already has period {period} on {day} (session {found}).",
            code="SESSION_EXISTS",
        )
    lesson = create_session(
        session,
        class_id=class_id,
        day=day,
        start=start,
        end=end,
        zone=zone,
        period=period,
        subject=subject,
        room=room,
    )
    audit.record(
        session,
        actor=actor,
        action="class_session_created",
        meeting_id=lesson.meeting_id,
        subject=f"class:{class_id}",
        detail={"day": day.isoformat(), "period": period},
    )
    return lesson


def add_pattern(
    session: Session,
    *,
    class_id: int,
    starts_on: date,
    ends_on: date,
    weekly: list[Slot],
    zone: str,
    skip_dates: frozenset[date] = frozenset(),
    actor: str = "system",
) -> PatternResult:
    """Every `weekly` slot on each of its weekdays from `starts_on` to `ends_on` (inclusive),
    except `skip_dates` (holidays). All or nothing: a bad slot or too many sessions creates
    none. A slot whose class, day and period already has a session is left out (listed as
    existing), so the same pattern sent twice creates nothing the second time."""
    get_class(session, class_id=class_id)
    if ends_on < starts_on:
        raise Invalid(
            "Ngày kết thúc phải từ ngày bắt đầu trở đi. ends_on must not be before starts_on.",
            code="PATTERN_DATES",
        )
    if (ends_on - starts_on).days > MAX_PATTERN_DAYS:
        raise Invalid(
            f"Khoảng ngày dài quá {MAX_PATTERN_DAYS} ngày. "
            f"The date range is longer than {MAX_PATTERN_DAYS} days.",
            code="PATTERN_TOO_LARGE",
        )
    if not weekly:
        raise Invalid(
            "Cần ít nhất một tiết trong tuần. weekly needs at least one lesson.",
            code="PATTERN_EMPTY",
        )
    for slot in weekly:
        if not 1 <= slot.weekday <= 7:
            raise Invalid(
                f"Thứ trong tuần phải từ 1 (thứ Hai) đến 7 (Chủ nhật), không phải {slot.weekday}. "
                f"weekday must be 1 (Monday) to 7 (Sunday), not {slot.weekday}.",
                code="PATTERN_WEEKDAY",
            )
        _check_period(slot.period)
        if slot.end <= slot.start:
            raise Invalid(
                "Giờ kết thúc phải sau giờ bắt đầu. The end must be after the start.",
                code="SESSION_TIMES",
            )
    planned = [
        (day, slot)
        for day in _days(starts_on, ends_on)
        if day not in skip_dates
        for slot in sorted(weekly, key=lambda s: (s.start, s.period or 0))
        if slot.weekday == day.isoweekday()
    ]
    if len(planned) > MAX_PATTERN_SESSIONS:
        raise Invalid(
            f"Mẫu này tạo {len(planned)} buổi, quá {MAX_PATTERN_SESSIONS}: hãy chia khoảng ngày. "
            f"This pattern makes {len(planned)} sessions, more than {MAX_PATTERN_SESSIONS}: "
            "split the date range.",
            code="PATTERN_TOO_LARGE",
        )
    created: list[int] = []
    existing: list[int] = []
    past: list[int] = []
    rules = rules_for(session, school=get_class(session, class_id=class_id).school)
    for day, slot in planned:
        found = _existing(session, class_id=class_id, day=day, period=slot.period)
        if found is not None:
            existing.append(found)
            continue
        row = create_session(
            session,
            class_id=class_id,
            day=day,
            start=slot.start,
            end=slot.end,
            zone=zone,
            period=slot.period,
            subject=slot.subject,
            room=slot.room,
        )
        created.append(row.meeting_id)
        meeting = session.get(Meeting, row.meeting_id)
        if meeting is not None and entered_late(meeting, rules):
            past.append(row.meeting_id)
    if created:
        audit.record(
            session,
            actor=actor,
            action="class_pattern_created",
            subject=f"class:{class_id}",
            detail={
                "created": len(created),
                "existing": len(existing),
                "past": len(past),
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
            },
        )
    logger.info(
        "class %s: %d sessions created from a pattern, %d already past",
        class_id,
        len(created),
        len(past),
    )
    return PatternResult(created=created, existing=existing, past=past)


def set_rules(
    session: Session, *, school: str, late_after_minutes: int, absent_after_minutes: int, actor: str
) -> Rules:
    """A school's rules (sessions created from now on take the late mark; the cut-off reads
    the absent minutes when it runs)."""
    name = clean_text(school, field="school")
    if not name:
        raise Invalid("Cần tên trường. A school name is needed.", code="RULES_INVALID")
    if not 0 <= late_after_minutes <= MAX_RULE_MINUTES:
        raise Invalid(
            f"Số phút tính muộn phải từ 0 đến {MAX_RULE_MINUTES}. "
            f"late_after_minutes must be 0 to {MAX_RULE_MINUTES}.",
            code="RULES_INVALID",
        )
    if not late_after_minutes <= absent_after_minutes <= MAX_RULE_MINUTES:
        raise Invalid(
            f"Số phút tính vắng phải từ số phút tính muộn ({late_after_minutes}) đến "
            f"{MAX_RULE_MINUTES}. absent_after_minutes must be from late_after_minutes "
            f"({late_after_minutes}) to {MAX_RULE_MINUTES}.",
            code="RULES_INVALID",
        )
    row = session.get(SchoolRules, name)
    if row is None:
        row = SchoolRules(school=name)
        session.add(row)
    row.late_after_minutes = late_after_minutes
    row.absent_after_minutes = absent_after_minutes
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="school_rules_set",
        subject=f"school:{name}",
        detail={
            "late_after_minutes": late_after_minutes,
            "absent_after_minutes": absent_after_minutes,
        },
    )
    return rules_for(session, school=name)


def _check_period(period: int | None) -> None:
    if period is not None and not 1 <= period <= 20:
        raise Invalid(
            f"Tiết phải từ 1 đến 20, không phải {period}. period must be 1 to 20, not {period}.",
            code="SESSION_PERIOD",
        )


def _existing(session: Session, *, class_id: int, day: date, period: int | None) -> int | None:
    if period is None:
        return None  # a session without a period is never "the same slot" as another
    return session.scalar(
        select(ClassSession.meeting_id).where(
            ClassSession.class_id == class_id,
            ClassSession.day == day,
            ClassSession.period == period,
        )
    )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def pattern_message(created: int, past: int) -> str:
    """What a weekly pattern did, for the API answer and the timetable page."""
    text = f"Đã tạo {created} tiết học. Created {created} session(s)."
    if past:
        text = (
            f"Đã tạo {created} tiết học, trong đó {past} tiết đã qua giờ chốt vắng: "
            "các tiết này không tự động ghi vắng. "
            f"Created {created} sessions; {past} of them were already past their cut-off "
            "and will not be marked absent automatically."
        )
    return text
