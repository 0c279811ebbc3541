"""Draft minutes (biên bản) of a meeting, filled from its attendance and poll results."""

from __future__ import annotations

from attendance.checkin import Status
from attendance.exports.pdf_document import FAMILY, ReportPdf, nfc, vietnamese_datetime
from attendance.exports.report import MeetingReport, PollSummary

NO_POLLS = "Không có biểu quyết."
NO_OPINIONS = "Không có ý kiến nào."
BLANK = "…………………………"
SIGNATURE_SPACE = 45  # mm: two titles, the note, room to sign and write the name
# The national motto as the state's documents write it: en dashes (U+2013), not hyphens.
MOTTO = "Độc lập \u2013 Tự do \u2013 Hạnh phúc"


def write_minutes(pdf: ReportPdf, report: MeetingReport) -> None:
    """The layout of an administrative biên bản: national heading, body, two signatures."""
    _national_heading(pdf)
    pdf.ln(6)
    pdf.line_of_text("BIÊN BẢN", size=15, style="B", align="C", height=8)
    pdf.line_of_text(report.title, size=12, style="B", align="C")
    pdf.line_of_text("(Dự thảo)", size=10, style="I", align="C")
    pdf.ln(4)
    pdf.line_of_text(f"1. Thời gian: bắt đầu lúc {vietnamese_datetime(report.starts_at)}.")
    pdf.line_of_text(f"2. Địa điểm: {report.room or BLANK}.")
    pdf.line_of_text("3. Thành phần tham dự:")
    for line in attendance_sentences(report):
        pdf.line_of_text(line)
    pdf.line_of_text(f"- Chủ tọa: {BLANK}    Thư ký: {BLANK}")
    pdf.line_of_text("4. Nội dung cuộc họp:")
    for _ in range(4):
        pdf.line_of_text(BLANK * 5)
    pdf.line_of_text("5. Kết quả biểu quyết:")
    for line in poll_sentences(report.polls):
        pdf.line_of_text(line)
    pdf.line_of_text(f"Cuộc họp kết thúc lúc {BLANK} cùng ngày.")
    _signatures(pdf)


def attendance_sentences(report: MeetingReport) -> list[str]:
    """Who was called and who came: voting members only (the figures a poll's base counts),
    then the guests apart, who are never absent delegates."""
    s = report.summary
    left = f", đã ra về trước khi kết thúc: {s.left}" if s.left else ""
    lines = [
        f"- Số đại biểu được triệu tập: {s.expected}.",
        f"- Có mặt: {s.attended}/{s.expected} đại biểu (đúng giờ: {s.present}, "
        f"đi muộn: {s.late}{left}); danh sách kèm theo.",
    ]
    missing = Status.ABSENT if report.started else Status.NOT_ARRIVED
    names = [r.full_name for r in report.rows if r.voting and r.status is missing]
    label = "Vắng mặt" if report.started else "Chưa đến"
    lines.append(f"- {label}: {len(names)}" + (f" ({', '.join(names)})." if names else "."))
    guests = [r.full_name for r in report.guests]
    if guests:
        lines.append(
            f"- Khách mời (không biểu quyết): {len(guests)} ({', '.join(guests)}); "
            f"có mặt: {s.guests_attended}."
        )
    return lines


def poll_sentences(polls: tuple[PollSummary, ...]) -> list[str]:
    """One line per poll: '- Title: outcome (Đồng ý: 8; Không đồng ý: 1).'"""
    if not polls:
        return [f"- {NO_POLLS}"]
    lines = []
    for poll in polls:
        if poll.opinion:  # not a vote: its opinions, one per line
            lines.append(f"- {poll.title}: {poll.outcome[0].lower()}{poll.outcome[1:]}.")
            lines += [
                f"  + {o.full_name}: {o.text}" if o.full_name else f"  + {o.text}"
                for o in poll.opinions
            ]
            continue
        votes = "; ".join(f"{label}: {count}" for label, count in poll.counts)
        lines.append(f"- {poll.title}: {poll.outcome}" + (f" ({votes})." if votes else "."))
    return lines


def _national_heading(pdf: ReportPdf) -> None:
    """The issuing body on the left (left blank to fill in), the national motto on the right."""
    top = pdf.get_y()
    left = pdf.epw * 0.4
    right = pdf.epw - left
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(left, 5, nfc(f"{BLANK}\nSố: ……/BB"), align="C")
    pdf.set_xy(pdf.l_margin + left, top)
    pdf.set_font(FAMILY, "B", 10.5)
    pdf.multi_cell(right, 5, nfc("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), align="C")
    pdf.set_x(pdf.l_margin + left)
    pdf.set_font(FAMILY, "BU", 11)
    pdf.multi_cell(right, 6, nfc(MOTTO), align="C")
    pdf.set_x(pdf.l_margin)


def _signatures(pdf: ReportPdf) -> None:
    if pdf.will_page_break(SIGNATURE_SPACE):
        pdf.add_page()
    pdf.ln(8)
    half = pdf.epw / 2
    top = pdf.get_y()
    for column, title in enumerate(("THƯ KÝ", "CHỦ TỌA")):
        pdf.set_xy(pdf.l_margin + column * half, top)
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(half, 6, nfc(title), align="C")
        pdf.set_xy(pdf.l_margin + column * half, top + 6)
        pdf.set_font(FAMILY, "I", 10)
        pdf.cell(half, 5, nfc("(Ký, ghi rõ họ tên)"), align="C")
    pdf.set_xy(pdf.l_margin, top + SIGNATURE_SPACE)
