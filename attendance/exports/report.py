"""A meeting's attendance as plain rows and counts, in local time, ready for any format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from attendance.checkin import AttendanceRow, Status, has_started, meeting_attendance
from attendance.meetings import get_meeting
from attendance.orm import utcnow

# "Thành phần" was added last, so the columns before it keep their places for readers of
# older files.
COLUMNS = (
    "STT",
    "Họ và tên",
    "Chức vụ",
    "Đơn vị",
    "Giờ đến",
    "Trạng thái",
    "Ghi chú",
    "Thành phần",
)
STATUS_LABELS = {
    Status.PRESENT: "Có mặt",
    Status.LATE: "Đi muộn",
    Status.ABSENT: "Vắng mặt",
    Status.NOT_ARRIVED: "Chưa đến",
}
LEFT_LABEL = "Đã ra về"  # checked out: no longer present (the board says the same)
DELEGATE_LABEL = "Đại biểu"  # a voting member: counted in the minutes and a poll's base
GUEST_LABEL = "Khách mời"  # an observer or guest: listed apart, never counted as absent


@dataclass(frozen=True)
class NamedBallot:
    """Who chose what in a named poll (a secret poll has none of these)."""

    full_name: str
    choices: str  # the options chosen, joined with "; "
    cast_by: str = ""  # the proxy holder who cast it; "" when the member voted in person


@dataclass(frozen=True)
class OpinionLine:
    """One opinion given on an opinion collection (lấy ý kiến)."""

    text: str
    full_name: str = ""  # "" on a secret one: its opinions have no author
    stance: str = "other"  # agree, object or other (attendance/voting/opinions.py STANCES)


@dataclass(frozen=True)
class PollSummary:
    """One poll's result as the minutes show it; the polls service builds these."""

    title: str
    counts: tuple[tuple[str, int], ...]  # (option label, votes), in the poll's option order
    outcome: str  # e.g. "Thông qua, tán thành 8 trên 10 ..." (never "Kết quả: ..." itself)
    named: tuple[NamedBallot, ...] = ()  # a named poll's ballots, in Vietnamese name order
    # An opinion collection is not a vote: its opinions, in the order given, stand for counts.
    opinion: bool = False
    opinions: tuple[OpinionLine, ...] = ()
    secret: bool = False


@dataclass(frozen=True)
class ExportRow:
    stt: int
    full_name: str
    title: str
    unit: str
    arrived: str  # HH:MM in the deployment's zone, "" when absent
    status: Status
    note: str
    left: bool = False  # checked out and not seen again
    voting: bool = True  # a voting member (đại biểu); False for a guest or observer

    @property
    def status_label(self) -> str:
        return LEFT_LABEL if self.left else STATUS_LABELS[self.status]

    @property
    def role_label(self) -> str:
        return DELEGATE_LABEL if self.voting else GUEST_LABEL

    @property
    def attended(self) -> bool:
        return self.status in (Status.PRESENT, Status.LATE)

    def cells(self) -> tuple[str | int, ...]:
        """The row in the order of COLUMNS."""
        return (
            self.stt,
            self.full_name,
            self.title,
            self.unit,
            self.arrived,
            self.status_label,
            self.note,
            self.role_label,
        )


@dataclass(frozen=True)
class AttendanceSummary:
    """The voting members (đại biểu) counted, as the minutes and a poll's base count them;
    guests and observers apart."""

    expected: int  # voting members called to the meeting
    present: int  # on time
    late: int
    absent: int  # not arrived, the meeting under way
    left: int = 0  # of those who attended, checked out before the end
    not_arrived: int = 0  # not arrived, the meeting not started yet
    guests: int = 0  # observers and guests invited
    guests_attended: int = 0

    @property
    def attended(self) -> int:
        return self.present + self.late


@dataclass(frozen=True)
class MeetingReport:
    meeting_id: int
    title: str
    room: str | None
    starts_at: datetime  # local
    ends_at: datetime  # local
    rows: tuple[ExportRow, ...]
    summary: AttendanceSummary
    polls: tuple[PollSummary, ...]
    started: bool = True  # before the start nobody is absent, only not arrived yet

    @property
    def attendees(self) -> tuple[ExportRow, ...]:
        """The voting members present, on time or late, in the rows' order."""
        return tuple(r for r in self.rows if r.voting and r.attended)

    @property
    def guests(self) -> tuple[ExportRow, ...]:
        """The observers and guests, whether they came or not, in the rows' order."""
        return tuple(r for r in self.rows if not r.voting)


def build_report(
    session: Session,
    *,
    meeting_id: int,
    zone: str,
    polls: tuple[PollSummary, ...] = (),
) -> MeetingReport:
    """Rows in Vietnamese name order (the attendance list's order), times in `zone`."""
    meeting = get_meeting(session, meeting_id=meeting_id)
    tz = ZoneInfo(zone)
    now = utcnow()
    attendance = meeting_attendance(session, meeting_id=meeting_id, now=now)
    rows = tuple(
        _export_row(i, row, tz=tz, starts_at=meeting.starts_at)
        for i, row in enumerate(attendance, 1)
    )
    delegates = [r for r in rows if r.voting]
    guests = [r for r in rows if not r.voting]
    counts = {status: sum(r.status is status for r in delegates) for status in Status}
    return MeetingReport(
        meeting_id=meeting.id,
        title=meeting.title,
        room=meeting.room,
        starts_at=meeting.starts_at.astimezone(tz),
        ends_at=meeting.ends_at.astimezone(tz),
        rows=rows,
        summary=AttendanceSummary(
            expected=len(delegates),
            present=counts[Status.PRESENT],
            late=counts[Status.LATE],
            absent=counts[Status.ABSENT],
            left=sum(r.left for r in delegates),
            not_arrived=counts[Status.NOT_ARRIVED],
            guests=len(guests),
            guests_attended=sum(r.attended for r in guests),
        ),
        polls=polls,
        started=has_started(meeting, now=now),
    )


def _export_row(stt: int, row: AttendanceRow, *, tz: ZoneInfo, starts_at: datetime) -> ExportRow:
    seen = row.first_seen_at
    arrived = "" if seen is None else seen.astimezone(tz).strftime("%H:%M")
    notes = []
    if row.status is Status.LATE and seen is not None:
        # Counted from the start, as a secretary says it: "đi muộn 20 phút".
        notes.append(f"Muộn {int((seen - starts_at).total_seconds() // 60)} phút")
    if row.left_at is not None:
        notes.append(f"Ra về lúc {row.left_at.astimezone(tz):%H:%M}")
    if row.note:
        notes.append(row.note)  # the reason given for a manual check-in or check-out
    note = "; ".join(notes)
    return ExportRow(
        stt=stt,
        full_name=row.person.full_name,
        title=row.person.title or "",
        unit=row.person.unit or "",
        arrived=arrived,
        status=row.status,
        note=note,
        left=row.left_at is not None,
        voting=row.voting,
    )
