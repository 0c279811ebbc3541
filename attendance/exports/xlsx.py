"""The attendance list as an Excel workbook: a formatted table and a summary sheet."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from attendance.exports.report import COLUMNS, MeetingReport

LIST_SHEET = "Điểm danh"
SUMMARY_SHEET = "Tổng hợp"
BALLOTS_SHEET = "Phiếu ghi tên"
WIDTHS = (6, 30, 22, 30, 9, 12, 28, 12)  # characters, in the order of COLUMNS
BALLOT_COLUMNS = ("Nội dung biểu quyết", "STT", "Họ và tên", "Lựa chọn", "Người bỏ phiếu thay")
BALLOT_WIDTHS = (40, 6, 30, 30, 30)
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def render_xlsx(report: MeetingReport) -> bytes:
    """The list, a summary, and the named polls' ballots (who chose what) when there are any."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = LIST_SHEET
    _table(sheet, COLUMNS, [row.cells() for row in report.rows], WIDTHS, centred=(0, 4))
    _summary(book.create_sheet(SUMMARY_SHEET), report)
    ballots = [
        (poll.title, i, b.full_name, b.choices, b.cast_by)
        for poll in report.polls
        for i, b in enumerate(poll.named, 1)
    ]
    if ballots:  # named polls only: a secret poll's choices are nobody's
        _table(book.create_sheet(BALLOTS_SHEET), BALLOT_COLUMNS, ballots, BALLOT_WIDTHS, (1,))
    book.properties.title = report.title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(
    sheet: Worksheet,
    columns: tuple[str, ...],
    rows: Sequence[Sequence[str | int]],
    widths: tuple[int, ...],
    centred: tuple[int, ...],
) -> None:
    """One header row then one row per line, so it filters and sorts."""
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.border = BORDER
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a name typed as "=..." stays text, never a formula
        for index in centred:
            cells[index].alignment = Alignment(horizontal="center")
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"


def _summary(sheet: Worksheet, report: MeetingReport) -> None:
    """The voting members' figures, as the minutes give them, then the guests' apart."""
    s = report.summary
    lines: list[tuple[str, str | int]] = [
        ("Cuộc họp", report.title),
        ("Địa điểm", report.room or ""),
        ("Bắt đầu", report.starts_at.strftime("%H:%M %d/%m/%Y")),
        ("Kết thúc", report.ends_at.strftime("%H:%M %d/%m/%Y")),
        ("Số đại biểu được triệu tập", s.expected),
        ("Đại biểu có mặt", s.attended),
        ("Có mặt đúng giờ", s.present),
        ("Đi muộn", s.late),
        ("Vắng mặt", s.absent),
        *([] if report.started else [("Chưa đến", s.not_arrived)]),
        ("Đã ra về", s.left),
        ("Số khách mời", s.guests),
        ("Khách mời có mặt", s.guests_attended),
    ]
    for label, value in lines:
        sheet.append((label, value))
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60
