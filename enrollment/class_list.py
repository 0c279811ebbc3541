"""Reading a school's class list (XLSX or CSV): "STT, Mã học sinh, Họ và tên, Ngày sinh, ...,
Họ tên phụ huynh, Quan hệ, Số điện thoại, Email", headers in Vietnamese or English."""

from __future__ import annotations

import logging
import unicodedata

from attendance.errors import Invalid
from attendance.schools.class_list import ClassListRow
from enrollment.roster import HEADER_SEARCH_ROWS, MAX_ROWS, header_columns, sheet_rows

logger = logging.getLogger(__name__)

# Compared without diacritics or case ("Mã học sinh" == "MA HOC SINH").
HEADERS: dict[str, tuple[str, ...]] = {
    "student_code": (
        "ma hoc sinh",
        "ma hs",
        "ma so hoc sinh",
        "ma dinh danh",
        "ma",
        "student code",
        "student id",
        "code",
    ),
    "full_name": ("ho va ten", "ho ten", "ho va ten hoc sinh", "ho ten hoc sinh", "full name"),
    "date_of_birth": ("ngay sinh", "ngay thang nam sinh", "date of birth", "birth date", "dob"),
    "guardian_name": (
        "ho ten phu huynh",
        "ho va ten phu huynh",
        "phu huynh",
        "ten phu huynh",
        "nguoi giam ho",
        "guardian",
        "guardian name",
        "parent",
        "parent name",
    ),
    "relation": ("quan he", "moi quan he", "relation", "relationship"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "phone", "phone number"),
    "email": ("email", "e-mail", "thu dien tu", "dia chi email"),
}


def parse_class_list(data: bytes) -> list[ClassListRow]:
    """Every data row under the header row; empty rows skipped, nothing judged yet."""
    iterator = enumerate(sheet_rows(data), start=1)
    columns: dict[str, int] = {}
    for line, cells in iterator:
        columns = header_columns(cells, HEADERS)
        if {"full_name", "student_code"} <= columns.keys() or line >= HEADER_SEARCH_ROWS:
            break
    if not {"full_name", "student_code"} <= columns.keys():
        raise Invalid(
            "Không tìm thấy cột 'Mã học sinh' và 'Họ và tên' trong tệp. "
            "No 'Mã học sinh' (student code) and 'Họ và tên' (full name) columns were found.",
            code="ROSTER_NO_NAME_COLUMN",
        )
    found: list[ClassListRow] = []
    for line, cells in iterator:
        if not any(c.strip() for c in cells):
            continue
        if len(found) >= MAX_ROWS:
            raise Invalid(
                f"Tệp có hơn {MAX_ROWS} dòng; hãy chia nhỏ. "
                f"The file has more than {MAX_ROWS} rows; split it.",
                code="ROSTER_TOO_LARGE",
            )

        def cell(field: str, cells: list[str] = cells) -> str:
            index = columns.get(field)
            text = cells[index] if index is not None and index < len(cells) else ""
            return unicodedata.normalize("NFC", text).strip()

        found.append(
            ClassListRow(
                line=line,
                student_code=cell("student_code"),
                full_name=cell("full_name"),
                date_of_birth=cell("date_of_birth"),
                guardian_name=cell("guardian_name"),
                relation=cell("relation"),
                phone=cell("phone"),
                email=cell("email"),
            )
        )
    if not found:
        raise Invalid(
            "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề. "
            "The file has no rows under its header.",
            code="ROSTER_EMPTY",
        )
    return found
