"""A school gate's kiosk: the sessions of the day it serves, and what a student seen at the gate
records. A student not yet arrived today is checked in (whatever the hour: the afternoon shift
arrives after midday), on their first session of the day not yet ended; one who arrived is
checked out (`left`, on the last session of the day they arrived at) once it is past the
school's midday (`gate_checkout_after`, local), and before it a repeat records nothing. Both go
through the same check-in and check-out as every other path (attendance.checkin,
attendance.presence), source `gate`, one idempotency key each."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.checkin import check_in
from attendance.checkin_window import CheckinRules
from attendance.errors import Conflict, Forbidden, Invalid
from attendance.orm import AttendanceEvent, Meeting, Participant
from attendance.presence import ARRIVED, LEFT, RETURNED, check_out, last_event
from attendance.schools.tables import ClassSession, SchoolClass
from attendance.text import clean_text

logger = logging.getLogger(__name__)

GATE = "gate"  # the source of every event a gate writes
GATE_REASON = "Ra về qua cổng trường. Left through the school gate."


@dataclass(frozen=True)
class GatePass:
    """What one sighting at the gate recorded: an arrival (or a return) or a departure."""

    event: AttendanceEvent
    created: bool  # False: the same key again, or nothing new (in already, out already)

    @property
    def direction(self) -> str:
        return "out" if self.event.kind == LEFT else "in"


def school_day(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def gate_meetings(session: Session, *, school: str, day: date) -> list[Meeting]:
    """Every session on `day` of every class of the school, in time order."""
    return list(
        session.scalars(
            select(Meeting)
            .join(ClassSession, ClassSession.meeting_id == Meeting.id)
            .join(SchoolClass, SchoolClass.id == ClassSession.class_id)
            .where(SchoolClass.school == school, ClassSession.day == day)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def record_gate_sighting(
    session: Session,
    *,
    school: str,
    person_id: int,
    at: datetime,
    now: datetime,
    zone: str,
    checkout_after: time,
    idempotency_key: str,
    by: str,
    rules: CheckinRules = CheckinRules(),
    similarity: float | None = None,
    margin: float | None = None,
) -> GatePass:
    """A student of `school` seen at its gate at `at`, in or out by their own state: not yet
    arrived today, in (onto the first session not yet ended, whatever the hour: an afternoon
    shift arrives after midday); arrived, out once it is past `checkout_after`, and before
    it a repeat records nothing. The key only de-duplicates. A student with no session of
    the school that day is refused (GATE_NOT_STUDENT)."""
    if at.tzinfo is None:
        raise Invalid("Thời điểm 'at' phải có múi giờ. 'at' must include a time zone offset.")
    if at < now - rules.kiosk_delivery:
        raise Invalid(
            "Lượt qua cổng này quá cũ để ghi (quá thời hạn gửi của kiosk); thư ký ghi tay nếu "
            "cần. This gate sighting is too old to record (past a kiosk's delivery time); "
            "staff may record it by hand.",
            code="OUTSIDE_CHECKIN_WINDOW",
        )
    local = at.astimezone(ZoneInfo(zone))
    mine = _student_sessions(session, school=school, day=local.date(), person_id=person_id)
    key = clean_text(idempotency_key, field="idempotency_key")
    existing = session.scalars(
        select(AttendanceEvent).where(AttendanceEvent.idempotency_key == key)
    ).first()
    if existing is not None and key:
        if existing.person_id != person_id or existing.meeting_id not in {m.id for m in mine}:
            raise Conflict(
                "idempotency_key này đã dùng cho việc khác. "
                "This idempotency_key was already used for something else.",
                code="IDEMPOTENCY_KEY_REUSED",
            )
        return GatePass(existing, created=False)
    arrivals = _arrivals(session, mine, person_id=person_id, at=at)
    if not arrivals:  # not in yet today: in, whatever the hour (an afternoon shift)
        return _arrive(session, mine, person_id, at, now, zone, key, by, rules, similarity, margin)
    if local.time() < checkout_after:  # in already: a repeat before midday records nothing
        return GatePass(arrivals[-1], created=False)
    return _leave(session, mine, arrivals, person_id, at, now, key, by, rules)


def _arrivals(
    session: Session, mine: list[Meeting], *, person_id: int, at: datetime
) -> list[AttendanceEvent]:
    """The student's arrivals (and returns) of the day up to `at`, on any of their sessions
    and by any path (gate, room kiosk, class photo, by hand), in time order."""
    return list(
        session.scalars(
            select(AttendanceEvent)
            .where(
                AttendanceEvent.person_id == person_id,
                AttendanceEvent.meeting_id.in_([m.id for m in mine]),
                AttendanceEvent.kind.in_((ARRIVED, RETURNED)),
                AttendanceEvent.at <= at,
            )
            .order_by(AttendanceEvent.at, AttendanceEvent.id)
        )
    )


def _student_sessions(session: Session, *, school: str, day: date, person_id: int) -> list[Meeting]:
    meetings = gate_meetings(session, school=school, day=day)
    listed = set(
        session.scalars(
            select(Participant.meeting_id).where(
                Participant.person_id == person_id,
                Participant.meeting_id.in_([m.id for m in meetings]),
            )
        )
    )
    mine = [m for m in meetings if m.id in listed]
    if not mine:
        raise Forbidden(
            f"Người số {person_id} không phải học sinh của {school} có tiết học ngày "
            f"{day:%d/%m/%Y}. Person {person_id} is not a student of {school} with a session "
            f"on {day.isoformat()}.",
            code="GATE_NOT_STUDENT",
        )
    return mine


def _arrive(
    session: Session,
    mine: list[Meeting],
    person_id: int,
    at: datetime,
    now: datetime,
    zone: str,
    key: str,
    by: str,
    rules: CheckinRules,
    similarity: float | None,
    margin: float | None,
) -> GatePass:
    target = next((m for m in mine if m.ends_at > at), None)
    if target is None:
        raise Conflict(
            "Các tiết học hôm nay của học sinh này đã kết thúc: không còn gì để ghi đến. "
            "This student's sessions of the day have all ended: there is no arrival to record.",
            code="GATE_NOTHING_TO_RECORD",
        )
    # At the gate a student arrives for the school day, before the first lesson's own window
    # opens perhaps: the window opens at the day's start for them.
    local = at.astimezone(ZoneInfo(zone))
    day_start = datetime.combine(local.date(), time(0), tzinfo=ZoneInfo(zone))
    opens_before = max(rules.opens_before, target.starts_at - day_start)
    result = check_in(
        session,
        meeting_id=target.id,
        person_id=person_id,
        source=GATE,
        idempotency_key=key,
        at=at,
        similarity=similarity,
        margin=margin,
        rules=replace(rules, opens_before=opens_before),
        now=now,
        zone=zone,
        by=by,
    )
    return GatePass(result.event, result.created)


def _leave(
    session: Session,
    mine: list[Meeting],
    arrivals: list[AttendanceEvent],
    person_id: int,
    at: datetime,
    now: datetime,
    key: str,
    by: str,
    rules: CheckinRules,
) -> GatePass:
    if at > now + rules.max_skew:
        raise Invalid(
            "Thời điểm ra về ở tương lai. The departure time is in the future.",
            code="CHECKIN_IN_FUTURE",
        )
    arrived = {e.meeting_id for e in arrivals}
    attended = [m for m in mine if m.id in arrived]
    target = attended[-1]
    last = last_event(session, meeting_id=target.id, person_id=person_id, at=at)
    if last is not None and last.kind == LEFT:
        return GatePass(last, created=False)  # out already (another gate kiosk, by hand)
    event, created = check_out(
        session,
        meeting_id=target.id,
        person_id=person_id,
        reason=GATE_REASON,
        actor=by,
        idempotency_key=key,
        at=at,
        source=GATE,
    )
    return GatePass(event, created)
