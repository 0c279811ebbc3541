"""A class's month as a file (XLSX, CSV, PDF): the one service the API calls, and the CSV
(UTF-8 with a BOM, as the meeting exports) and landscape PDF renderings."""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime

from sqlalchemy.orm import Session

from attendance.exports.class_month_xlsx import LEGEND, TOTAL_HEADINGS, render_class_month_xlsx
from attendance.exports.csv_file import _inert
from attendance.exports.pdf import _percent
from attendance.exports.pdf_document import ReportPdf
from attendance.exports.service import (
    MEDIA_TYPES,
    ExportFile,
    ExportFormat,
    ascii_slug,
    parse_format,
    safe_filename,
)
from attendance.schools.marks import CODES, Totals
from attendance.schools.report import ClassMonth, class_month

logger = logging.getLogger(__name__)

NAME_WIDTH = 42  # mm of the PDF's 257: the rest is shared by the days and the totals


def export_class_month(
    session: Session,
    *,
    class_id: int,
    month: date,
    format: str,
    zone: str,
    now: datetime | None = None,
) -> ExportFile:
    kind = parse_format(format)
    report = class_month(session, class_id=class_id, month=month, now=now)
    if kind is ExportFormat.XLSX:
        content = render_class_month_xlsx(report, zone=zone)
    elif kind is ExportFormat.CSV:
        content = render_class_month_csv(report)
    else:
        content = render_class_month_pdf(report)
    stem = f"Điểm danh {report.name} {report.school} {report.month:%Y-%m}"
    return ExportFile(
        content=content,
        media_type=MEDIA_TYPES[kind],
        filename=f"{safe_filename(stem)}.{kind.value}",
        ascii_filename=f"{ascii_slug(stem)}.{kind.value}",
    )


def _rate(totals: Totals) -> str:
    return "-" if totals.rate is None else _percent(totals.present + totals.late, totals.held)


def _rows(report: ClassMonth) -> list[tuple[str | int, ...]]:
    return [
        (
            n,
            line.student_code,
            line.full_name,
            *("" if m is None else CODES[m] for m in line.days),
            line.totals.present,
            line.totals.late,
            line.totals.excused,
            line.totals.unexcused,
            line.totals.held,
            _rate(line.totals),
        )
        for n, line in enumerate(report.students, 1)
    ]


def render_class_month_csv(report: ClassMonth) -> bytes:
    """One row per student, one column per school day, then the totals (RFC 4180, BOM)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    days = [f"{d:%d/%m/%Y}" for d in report.days]
    writer.writerow(("STT", "Mã học sinh", "Họ và tên", *days, *TOTAL_HEADINGS))
    writer.writerows(tuple(_inert(cell) for cell in row) for row in _rows(report))
    return out.getvalue().encode("utf-8-sig")


def render_class_month_pdf(report: ClassMonth) -> bytes:
    """A4 landscape: the title, the legend, the register, then each day's counts."""
    pdf = ReportPdf(title=report.title, landscape=True)
    pdf.add_page()
    pdf.line_of_text(
        f"BẢNG ĐIỂM DANH THÁNG {report.month:%m/%Y}", size=15, style="B", align="C", height=8
    )
    pdf.line_of_text(
        f"Lớp {report.name} - {report.school} - năm học {report.school_year}",
        size=12,
        style="B",
        align="C",
    )
    pdf.line_of_text(LEGEND, size=8)
    pdf.ln(2)
    short = ("C", "M", "CP", "KP", "Tiết", "Tỷ lệ")
    heading = ("STT", "Họ và tên", *(f"{d:%d}" for d in report.days), *short)
    body = [(str(r[0]), str(r[2]), *(str(c) for c in r[3:])) for r in _rows(report)]
    days = len(report.days)
    rest = (pdf.epw - 8 - NAME_WIDTH - 6 * 9) / max(days, 1)
    widths = (8, NAME_WIDTH, *([rest] * days), *([9.0] * 6))
    aligns = ("CENTER", "LEFT", *(["CENTER"] * (days + 6)))
    if not report.students:
        pdf.line_of_text("Lớp chưa có học sinh. The class has no students.")
    else:
        pdf.grid([heading, *body], widths=widths, aligns=aligns, size=7)
    if report.day_counts:
        pdf.heading("SỐ HỌC SINH THEO NGÀY")
        rows: list[tuple[str, ...]] = [
            ("Ngày", "Số tiết", "Có mặt", "Đi muộn", "Vắng có phép", "Vắng không phép")
        ]
        rows += [
            (
                f"{c.day:%d/%m/%Y}",
                *(str(n) for n in (c.sessions, c.totals.present, c.totals.late)),
                *(str(n) for n in (c.totals.excused, c.totals.unexcused)),
            )
            for c in report.day_counts
        ]
        pdf.grid(rows, widths=(1, 1, 1, 1, 1, 1), aligns=("CENTER",) * 6, size=9)
    t = report.totals
    pdf.line_of_text(
        f"Cả lớp: {t.held} lượt, có mặt {t.present}, đi muộn {t.late}, vắng có phép "
        f"{t.excused}, vắng không phép {t.unexcused}; tỷ lệ chuyên cần {_rate(t)}.",
        size=10,
    )
    return bytes(pdf.output())
