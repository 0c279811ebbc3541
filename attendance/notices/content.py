"""Everything the conclusion notice shows, from the meeting's data and the secretary's draft;
the DOCX and the PDF only lay it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.checkin import Status, meeting_attendance
from attendance.exports.pdf_document import vietnamese_datetime
from attendance.exports.report import build_report
from attendance.meetings import get_meeting
from attendance.notices.agenda_parts import ItemPart, item_parts
from attendance.notices.draft import DraftView, get_draft
from attendance.orm import Participant, Person, utcnow

# A blank the office fills in by hand on the printed copy, as administrative forms do.
DOTS = "……………"
TITLE = "THÔNG BÁO"
NO_REASON = "không có lý do"
DEFAULT_RECIPIENTS = ("Như trên;", "Lưu: VT.")
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
# The national motto as the state's documents write it: en dashes (U+2013), not hyphens.
MOTTO = "Độc lập \u2013 Tự do \u2013 Hạnh phúc"


@dataclass(frozen=True)
class PersonLine:
    name: str
    title: str  # chức vụ, "" when none
    unit: str
    observer: bool  # on the roster without a vote (khách mời, quan sát viên)
    absence_reason: str | None = None  # what they sent word of; None: no reason given

    def described(self) -> str:
        """'Nguyễn Văn An, Phó Chủ tịch, UBND quận' (the observer mark added by the layout)."""
        return ", ".join(p for p in (self.name, self.title, self.unit) if p)


@dataclass(frozen=True)
class NoticeContent:
    meeting_id: int
    meeting_title: str
    parent_body: str  # "" when none: the header then shows the issuing body alone
    issuing_body: str  # DOTS when not typed yet
    number: str  # "Số: 125/TB-UBND" or with dots
    place_date: str  # "Long Biên, ngày 07 tháng 12 năm 2026"
    title: str  # "THÔNG BÁO"
    subject: str  # "Kết luận của ... tại cuộc họp ..."
    opening: tuple[str, ...]  # paragraphs
    when_where: str  # "Vào lúc 08 giờ 00 phút, ngày ..., tại Phòng họp số 1"
    chair: str
    invited: int  # voting members called to the meeting
    present: int  # of them, attended (on time or late)
    absent: int  # of them, not attended
    guests: int  # observers and guests on the roster
    attendees: tuple[PersonLine, ...]  # everyone who attended, observers included (marked)
    absentees: tuple[PersonLine, ...]  # everyone on the roster who did not, with the reason
    items: tuple[ItemPart, ...]
    closing: tuple[str, ...]  # paragraphs
    recipients: tuple[str, ...]  # "- Như trên;", ..., "- Lưu: VT."
    signer_title: str  # one line, or the authority and the title on lines of their own
    signer_name: str


def notice_content(session: Session, *, meeting_id: int, tz: str) -> NoticeContent:
    """The notice of `meeting_id`, times in the zone `tz` (the deployment's)."""
    meeting = get_meeting(session, meeting_id=meeting_id)
    draft = get_draft(session, meeting_id=meeting_id)
    report = build_report(session, meeting_id=meeting_id, zone=tz)
    attendees, absentees = _people(session, meeting_id=meeting_id)
    chair = _chair(session, draft)
    issuing_body = draft.issuing_body or DOTS
    when_where = f"Vào lúc {vietnamese_datetime(report.starts_at)}, tại {report.room or DOTS}"
    name = meeting_name(meeting.title)
    subject = draft.subject or f"Kết luận của {chair} tại {name}"
    opening = _lines(draft.opening) or (
        f"{when_where}, {chair} đã chủ trì {name}. "
        f"Sau khi nghe báo cáo và ý kiến của các đại biểu dự họp, {chair} kết luận như sau:",
    )
    closing = _lines(draft.closing) or (
        f"{issuing_body} thông báo để các cơ quan, đơn vị liên quan biết, thực hiện./.",
    )
    s = report.summary
    return NoticeContent(
        meeting_id=meeting.id,
        meeting_title=meeting.title,
        parent_body=draft.parent_body or "",
        issuing_body=issuing_body,
        number=f"Số: {draft.number or f'{DOTS}/TB-{DOTS}'}",
        place_date=place_and_date(draft.place, draft.issued_on),
        title=TITLE,
        subject=subject,
        opening=opening,
        when_where=when_where,
        chair=chair,
        invited=s.expected,
        present=s.attended,
        absent=s.expected - s.attended,
        guests=s.guests,
        attendees=attendees,
        absentees=absentees,
        items=item_parts(session, meeting_id=meeting_id, conclusions=draft.conclusions or {}),
        closing=closing,
        recipients=_recipients(draft.recipients),
        signer_title=draft.signer_title or DOTS,
        signer_name=draft.signer_name or DOTS,
    )


# Titles that already name the kind of gathering: "tại Hội nghị ...", never "tại cuộc họp Hội
# nghị ...". A title beginning "Họp"/"Cuộc họp" reads "tại cuộc họp giao ban ...".
GATHERINGS = ("Hội nghị", "Hội thảo", "Phiên họp", "Kỳ họp", "Buổi họp", "Buổi làm việc", "Đại hội")


def meeting_name(title: str) -> str:
    """How the notice names the meeting after "tại" or "chủ trì": 'cuộc họp giao ban tháng 12'
    from "Họp giao ban tháng 12" (the word "họp" said once), 'Hội nghị ...' as it is."""
    title = title.strip()
    for lead in ("Cuộc họp ", "Họp "):
        if title[: len(lead)].casefold() == lead.casefold():
            return f"cuộc họp {title[len(lead) :]}"
    if title.casefold().startswith(tuple(g.casefold() for g in GATHERINGS)):
        return title
    return f"cuộc họp {title}"


def place_and_date(place: str | None, issued_on: date | None) -> str:
    """'Long Biên, ngày 07 tháng 12 năm 2026': the day, and the months 1 and 2, with a
    leading zero (Nghị định 30/2020/NĐ-CP), so no digit can be added by hand later."""
    where = place or DOTS
    if issued_on is None:
        return f"{where}, ngày {DOTS} tháng {DOTS} năm {DOTS}"
    month = f"{issued_on.month:02d}" if issued_on.month < 3 else str(issued_on.month)
    return f"{where}, ngày {issued_on.day:02d} tháng {month} năm {issued_on.year}"


def _chair(session: Session, draft: DraftView) -> str:
    """The words typed for the chair, else the roster person chosen, else dots."""
    if draft.chair:
        return draft.chair
    person = session.get(Person, draft.chair_person_id) if draft.chair_person_id else None
    if person is None:
        return DOTS
    return f"đồng chí {person.full_name}" + (f", {person.title}" if person.title else "")


def _people(
    session: Session, *, meeting_id: int
) -> tuple[tuple[PersonLine, ...], tuple[PersonLine, ...]]:
    """Who attended and who did not (in the attendance list's order), with the reasons."""
    reasons = dict(
        session.execute(
            select(Participant.person_id, Participant.absence_reason).where(
                Participant.meeting_id == meeting_id
            )
        ).all()
    )
    attendees: list[PersonLine] = []
    absentees: list[PersonLine] = []
    for row in meeting_attendance(session, meeting_id=meeting_id, now=utcnow()):
        came = row.status in (Status.PRESENT, Status.LATE)
        line = PersonLine(
            name=row.person.full_name,
            title=row.person.title or "",
            unit=row.person.unit or "",
            observer=not row.voting,
            absence_reason=None if came else reasons.get(row.person.id),
        )
        (attendees if came else absentees).append(line)
    return tuple(attendees), tuple(absentees)


def signer_lines(signer_title: str) -> tuple[str, ...]:
    """The signer's block above the name, upper case, a line each as typed: the authority
    ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "TL. CHỦ TỊCH") over the title ("CHÁNH VĂN
    PHÒNG"), as Nghị định 30 sets them."""
    return tuple(line.strip().upper() for line in _lines(signer_title)) or (DOTS,)


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line for line in (text or "").splitlines() if line.strip())


def _recipients(text: str | None) -> tuple[str, ...]:
    """'- ' before each line as the "Nơi nhận" block writes them; the office's own list as
    typed, else the two lines every notice has."""
    lines = _lines(text) or DEFAULT_RECIPIENTS
    return tuple(line if line.startswith(("-", "–")) else f"- {line}" for line in lines)
