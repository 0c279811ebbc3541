"""A class's month as an Excel workbook: the register matrix (students x school days, with
totals, rates and each day's counts) and a sheet per day listing its sessions' marks."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from attendance.exports.xlsx import BORDER, HEADER_FILL
from attendance.schools.marks import CODES, LABELS, Mark, SessionMark, Totals
from attendance.schools.report import ClassMonth

MATRIX_SHEET = "Điểm danh tháng"
HEADER_ROW = 5  # the matrix's column headings; students from the row after
FIRST_DAY_COLUMN = 4  # A: STT, B: Mã học sinh, C: Họ và tên
TOTAL_HEADINGS = ("Có mặt", "Đi muộn", "Vắng có phép", "Vắng không phép", "Số tiết", "Tỷ lệ")
LEGEND = (
    "Ký hiệu: "
    + "; ".join(f"{CODES[m]}: {LABELS[m][0].lower()}" for m in Mark)
    + "; ô trống: không có tiết, chưa đến giờ chốt vắng, hoặc chưa vào lớp. Một ngày nhiều "
    "tiết: ghi mức nặng nhất trong ngày. Tổng và tỷ lệ tính theo tiết; tỷ lệ chuyên cần = "
    "(có mặt + đi muộn) / số tiết."
)
DAY_COLUMNS = ("Tiết", "Môn", "STT", "Họ và tên", "Giờ đến", "Điểm danh")
DAY_WIDTHS = (6, 16, 6, 30, 10, 18)


def render_class_month_xlsx(report: ClassMonth, *, zone: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = MATRIX_SHEET
    _matrix(sheet, report)
    names = {s.person_id: s.full_name for s in report.students}
    by_day: dict[date, list[SessionMark]] = defaultdict(list)
    for mark in report.marks:
        by_day[mark.day].append(mark)
    for day in report.days:
        _day_sheet(book.create_sheet(f"{day:%d-%m}"), by_day[day], names, zone)
    book.properties.title = report.title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _matrix(sheet: Worksheet, report: ClassMonth) -> None:
    sheet.append((f"BẢNG ĐIỂM DANH THÁNG {report.month:%m/%Y}",))
    sheet.append(
        (f"Lớp: {report.name}    Trường: {report.school}    Năm học: {report.school_year}",)
    )
    sheet.append((LEGEND,))
    sheet.append(())
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(bold=True)
    sheet["A3"].alignment = Alignment(wrap_text=False)
    days = [f"{d:%d/%m}" for d in report.days]
    headings = ("STT", "Mã học sinh", "Họ và tên", *days, *TOTAL_HEADINGS)
    sheet.append(headings)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    for n, line in enumerate(report.students, 1):
        t = line.totals
        codes = ["" if m is None else CODES[m] for m in line.days]
        sheet.append((n, line.student_code, line.full_name, *codes, *_figures(t)))
    counts = (
        ("Có mặt (C)", lambda c: c.totals.present),
        ("Đi muộn (M)", lambda c: c.totals.late),
        ("Vắng có phép (CP)", lambda c: c.totals.excused),
        ("Vắng không phép (KP)", lambda c: c.totals.unexcused),
    )
    for label, pick in counts:
        sheet.append(("", "", label, *(pick(c) for c in report.day_counts)))
        sheet.cell(sheet.max_row, 3).font = Font(bold=True)
    t = report.totals
    sheet.append(("", "", "Cả lớp", *([""] * len(days)), *_figures(t)))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    rate_column = FIRST_DAY_COLUMN + len(days) + len(TOTAL_HEADINGS) - 1
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=sheet.max_row):
        for cell in row:
            cell.border = BORDER
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a name typed as "=..." stays text, never a formula
            if cell.column >= FIRST_DAY_COLUMN:
                cell.alignment = Alignment(horizontal="center")
        row[rate_column - 1].number_format = "0.0%"
    for index, width in enumerate((5, 12, 28), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index in range(FIRST_DAY_COLUMN, FIRST_DAY_COLUMN + len(days)):
        sheet.column_dimensions[get_column_letter(index)].width = 6
    for index in range(FIRST_DAY_COLUMN + len(days), rate_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 10
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, FIRST_DAY_COLUMN)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _figures(t: Totals) -> tuple[int | float | str, ...]:
    return (t.present, t.late, t.excused, t.unexcused, t.held, "" if t.rate is None else t.rate)


def _day_sheet(
    sheet: Worksheet, marks: list[SessionMark], names: dict[int, str], zone: str
) -> None:
    """One day's sessions, each student's mark and arrival time, in period order."""
    tz = ZoneInfo(zone)
    sheet.append(DAY_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.border = BORDER
    order = {pid: n for n, pid in enumerate(names, 1)}
    ordered = sorted(marks, key=lambda m: (m.starts_at, order.get(m.person_id, 0)))
    for m in ordered:
        sheet.append(
            (
                m.period if m.period is not None else "",
                m.subject or "",
                order.get(m.person_id, ""),
                names.get(m.person_id, ""),
                "" if m.arrived_at is None else f"{m.arrived_at.astimezone(tz):%H:%M}",
                "" if m.mark is None else LABELS[m.mark][0],
            )
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.border = BORDER
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for index, width in enumerate(DAY_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
