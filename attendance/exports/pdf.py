"""The meeting report as PDF: attendance summary, delegates present, polls, draft minutes."""

from __future__ import annotations

from attendance.exports.minutes import NO_OPINIONS, NO_POLLS, write_minutes
from attendance.exports.pdf_document import ReportPdf
from attendance.exports.report import ExportRow, MeetingReport, PollSummary

KEEP_WITH_TITLE = 30  # mm: a poll's title starts a page rather than end one alone


def render_pdf(report: MeetingReport) -> bytes:
    pdf = ReportPdf(title=report.title)
    pdf.add_page()
    _title_block(pdf, report)
    _summary(pdf, report)
    _attendees(pdf, report)
    pdf.heading("KẾT QUẢ BIỂU QUYẾT")
    write_polls(pdf, report.polls)
    pdf.add_page()
    write_minutes(pdf, report)
    return bytes(pdf.output())


def _title_block(pdf: ReportPdf, report: MeetingReport) -> None:
    pdf.line_of_text("BÁO CÁO ĐIỂM DANH", size=15, style="B", align="C", height=8)
    pdf.line_of_text(report.title, size=13, style="B", align="C", height=7)
    pdf.ln(2)
    pdf.line_of_text(f"Địa điểm: {report.room or 'chưa ghi'}")
    pdf.line_of_text(
        f"Thời gian: từ {report.starts_at:%H:%M} đến {report.ends_at:%H:%M}, "
        f"ngày {report.starts_at:%d/%m/%Y}"
    )


def _summary(pdf: ReportPdf, report: MeetingReport) -> None:
    """The voting members' figures (those the minutes and a poll's base count), then the
    guests'. Before the start nobody is absent: the column says who has not arrived yet."""
    s = report.summary
    missing = ("Vắng mặt", s.absent) if report.started else ("Chưa đến", s.not_arrived)
    pdf.heading("TỔNG HỢP ĐIỂM DANH")
    pdf.grid(
        [
            ("Đại biểu được triệu tập", "Có mặt", "Đúng giờ", "Đi muộn", missing[0], "Đã ra về"),
            tuple(str(n) for n in (s.expected, s.attended, s.present, s.late, missing[1], s.left)),
        ],
        widths=(1, 1, 1, 1, 1, 1),
        aligns=("CENTER",) * 6,
        size=11,
    )
    if s.guests:
        pdf.line_of_text(
            f"Khách mời (không biểu quyết): {s.guests}, có mặt: {s.guests_attended}.", size=10
        )


def _attendees(pdf: ReportPdf, report: MeetingReport) -> None:
    pdf.heading("DANH SÁCH ĐẠI BIỂU CÓ MẶT")
    attendees = report.attendees
    if not attendees:
        pdf.line_of_text("Chưa có đại biểu nào có mặt.")
    else:
        _people(pdf, attendees)
    if report.guests:
        pdf.heading("DANH SÁCH KHÁCH MỜI")
        _people(pdf, report.guests)


def _people(pdf: ReportPdf, people: tuple[ExportRow, ...]) -> None:
    rows = [("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Giờ đến", "Trạng thái")]
    rows += [
        (str(i), r.full_name, r.title, r.unit, r.arrived, r.status_label)
        for i, r in enumerate(people, 1)
    ]
    pdf.grid(
        rows,
        widths=(10, 45, 30, 40, 15, 20),
        aligns=("CENTER", "LEFT", "LEFT", "LEFT", "CENTER", "CENTER"),
    )


def write_polls(pdf: ReportPdf, polls: tuple[PollSummary, ...]) -> None:
    """Each poll's votes per option and its outcome; a plain sentence when there was none."""
    if not polls:
        pdf.line_of_text(NO_POLLS)
        return
    for number, poll in enumerate(polls, 1):
        pdf.keep_room(KEEP_WITH_TITLE)
        pdf.line_of_text(f"{number}. {poll.title}", style="B")
        if poll.opinion:
            _opinions(pdf, poll)
            pdf.ln(2)
            continue
        total = sum(count for _, count in poll.counts)
        rows = [("Phương án", "Số phiếu", "Tỷ lệ")]
        rows += [(label, str(count), _percent(count, total)) for label, count in poll.counts]
        pdf.grid(rows, widths=(100, 30, 30), aligns=("LEFT", "CENTER", "CENTER"))
        pdf.line_of_text(f"Kết quả: {poll.outcome}", style="I")
        if poll.named:
            _named_ballots(pdf, poll)
        pdf.ln(2)


def _named_ballots(pdf: ReportPdf, poll: PollSummary) -> None:
    """Who chose what, in Vietnamese name order: named polls only (a secret one has none)."""
    pdf.keep_room(KEEP_WITH_TITLE)
    pdf.line_of_text("Phiếu ghi tên:", size=10, style="B")
    rows = [("STT", "Họ và tên", "Lựa chọn", "Người bỏ phiếu thay")]
    rows += [(str(i), b.full_name, b.choices, b.cast_by) for i, b in enumerate(poll.named, 1)]
    pdf.grid(rows, widths=(10, 55, 60, 45), aligns=("CENTER", "LEFT", "LEFT", "LEFT"))


def _opinions(pdf: ReportPdf, poll: PollSummary) -> None:
    """An opinion collection: what was said instead of a vote table; who said it on a named
    one, nobody's on a secret one."""
    pdf.line_of_text(poll.outcome, style="I")
    if not poll.opinions:
        pdf.line_of_text(NO_OPINIONS)
        return
    if poll.secret:
        anonymous = [("STT", "Ý kiến (không ghi tên)")]
        anonymous += [(str(i), o.text) for i, o in enumerate(poll.opinions, 1)]
        pdf.grid(anonymous, widths=(10, 160), aligns=("CENTER", "LEFT"))
        return
    named = [("STT", "Người góp ý", "Ý kiến")]
    named += [(str(i), o.full_name, o.text) for i, o in enumerate(poll.opinions, 1)]
    pdf.grid(named, widths=(10, 45, 115), aligns=("CENTER", "LEFT", "LEFT"))


def _percent(count: int, total: int) -> str:
    """Vietnamese writes a decimal comma: 66,7%."""
    return f"{100 * count / total:.1f}%".replace(".", ",") if total else "-"
