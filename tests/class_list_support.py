"""A school's class list as a real XLSX (openpyxl), for the API, page and browser tests."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl

HEADER = [
    "STT",
    "Mã học sinh",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Họ tên phụ huynh",
    "Quan hệ",
    "Số điện thoại",
    "Email",
]
# Two good rows (one date typed as text, one a date cell), a bad date, and its code repeated:
# both rows with that code are rejected.
ROWS: list[list[object]] = [
    [1, "HS001", "Nguyễn Minh Anh", "02/09/2014", "Nữ", "Nguyễn Thị Hoa", "mẹ", "0912345678", ""],
    [2, "HS002", "Trần Bảo Châu", datetime(2014, 5, 17), "Nam", "Trần Văn Bình", "cha", "", ""],
    [3, "HS003", "Lê Gia Bảo", "31/02/2014", "Nam", "", "", "", ""],
    [4, "HS003", "Phạm Thu Hà", "01/01/2014", "Nữ", "", "", "", ""],
]


def class_list_xlsx(
    rows: list[list[object]] | None = None, *, title: bool = True, header: list[str] = HEADER
) -> bytes:
    """The sheet as schools keep it: a title line above the header, then the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append(["DANH SÁCH HỌC SINH LỚP 6A1 NĂM HỌC 2026-2027"])
    sheet.append(header)
    for row in ROWS if rows is None else rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
