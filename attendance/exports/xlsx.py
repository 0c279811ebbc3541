"""The attendance list as an Excel workbook: a formatted table and a summary sheet."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from attendance.exports.report import COLUMNS, MeetingReport

LIST_SHEET = "Điểm danh"
SUMMARY_SHEET = "Tổng hợp"
WIDTHS = (6, 30, 22, 30, 9, 12, 28)  # characters, in the order of COLUMNS
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def render_xlsx(report: MeetingReport) -> bytes:
    """The list sheet holds one header row then one row per delegate, so it filters and sorts."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = LIST_SHEET
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    for row in report.rows:
        sheet.append(row.cells())
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.border = BORDER
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a name typed as "=..." stays text, never a formula
        cells[0].alignment = Alignment(horizontal="center")
        cells[4].alignment = Alignment(horizontal="center")
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    _summary(book.create_sheet(SUMMARY_SHEET), report)
    book.properties.title = report.title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary(sheet: Worksheet, report: MeetingReport) -> None:
    s = report.summary
    lines: list[tuple[str, str | int]] = [
        ("Cuộc họp", report.title),
        ("Địa điểm", report.room or ""),
        ("Bắt đầu", report.starts_at.strftime("%H:%M %d/%m/%Y")),
        ("Kết thúc", report.ends_at.strftime("%H:%M %d/%m/%Y")),
        ("Số đại biểu được mời", s.expected),
        ("Có mặt đúng giờ", s.present),
        ("Đi muộn", s.late),
        ("Vắng mặt", s.absent),
    ]
    for label, value in lines:
        sheet.append((label, value))
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60
