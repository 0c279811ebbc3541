"""The monthly class report as files: the XLSX matrix read back with openpyxl, the CSV as
Excel reads it, and the landscape PDF's text."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader
from school_report_support import NOW, ZONE, seed_class
from sqlalchemy.orm import Session

from attendance.exports.class_month_files import export_class_month
from attendance.exports.class_month_xlsx import (
    FIRST_DAY_COLUMN,
    HEADER_ROW,
    MATRIX_SHEET,
    TOTAL_HEADINGS,
)

DECEMBER = date(2026, 12, 1)


def _export(session: Session, format: str) -> bytes:
    seeded = seed_class(session)
    exported = export_class_month(
        session, class_id=seeded.class_id, month=DECEMBER, format=format, zone=ZONE, now=NOW
    )
    assert exported.filename.endswith(f"2026-12.{format}")
    return exported.content


def test_the_xlsx_matrix_has_each_student_s_marks_totals_and_rate(session: Session) -> None:
    book = load_workbook(io.BytesIO(_export(session, "xlsx")))
    sheet = book[MATRIX_SHEET]
    assert "12/2026" in sheet["A1"].value and "6A" in sheet["A2"].value
    assert "KP" in sheet["A3"].value  # the legend
    headings = [c.value for c in sheet[HEADER_ROW]]
    assert headings[: FIRST_DAY_COLUMN + 1] == ["STT", "Mã học sinh", "Họ và tên", "01/12", "02/12"]
    assert headings[-6:] == list(TOTAL_HEADINGS)
    assert TOTAL_HEADINGS[-1] == "Tỷ lệ" and TOTAL_HEADINGS[3] == "Vắng không phép"
    rows = {
        row[2]: row[3:]
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 4, values_only=True)
    }
    assert rows["Nguyễn Văn An"] == ("C", "M", "C", None, 3, 1, 0, 0, 4, 1)
    assert rows["Trần Thị Bình"][:4] == ("KP", "KP", None, None)
    assert rows["Trần Thị Bình"][4:] == (1, 0, 0, 2, 3, 1 / 3)
    assert rows["Lê Văn Cường"][:2] == ("CP", "CP")
    assert sheet.freeze_panes == f"D{HEADER_ROW + 1}"
    assert sheet.column_dimensions["C"].width == 28
    # The day's counts under the matrix, and a sheet per school day.
    present_row = next(r for r in sheet.iter_rows(values_only=True) if r[2] == "Có mặt (C)")
    assert present_row[3:5] == (1, 0)
    assert "01-12" in book.sheetnames and "31-12" in book.sheetnames
    day = list(book["01-12"].iter_rows(min_row=2, values_only=True))
    assert (str(day[0][0]), day[0][1]) == ("1", "Toán") and len(day) == 8


def test_the_csv_has_a_bom_and_one_row_per_student(session: Session) -> None:
    content = _export(session, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["STT", "Mã học sinh", "Họ và tên", "01/12/2026", "02/12/2026"]
    an = next(r for r in rows if r[2] == "Nguyễn Văn An")
    assert an[3:] == ["C", "M", "C", "", "3", "1", "0", "0", "4", "100,0%"]
    assert len(rows) == 5


def test_the_pdf_is_landscape_and_names_the_students(session: Session) -> None:
    content = _export(session, "pdf")
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Trần Thị Bình" in text and "THÁNG 12/2026" in text
