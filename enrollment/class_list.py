"""Reading a school's class list (XLSX or CSV): "STT, Mã học sinh, Họ và tên, Ngày sinh, ...,
Họ tên phụ huynh, Quan hệ, Số điện thoại, Email", headers in Vietnamese or English."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field

from attendance.errors import Invalid
from attendance.schools.class_list import ClassListRow
from attendance.text import search_key
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
        "ho ten cha/me",
        "ho ten cha me",
        "ho va ten cha/me",
        "ho va ten cha me",
        "ten cha/me",
        "cha/me",
        "cha me",
        "nguoi giam ho",
        "guardian",
        "guardian name",
        "parent",
        "parent name",
    ),
    "relation": ("quan he", "moi quan he", "relation", "relationship"),
    "phone": (
        "so dien thoai",
        "dien thoai",
        "sdt",
        "so dt",
        "sdt phu huynh",
        "so dien thoai phu huynh",
        "dien thoai phu huynh",
        "sdt lien he",
        "so dien thoai lien he",
        "dien thoai lien he",
        "sdt cha/me",
        "phone",
        "phone number",
        "parent phone",
    ),
    "email": ("email", "e-mail", "thu dien tu", "dia chi email"),
}


@dataclass(frozen=True)
class ClassListFile:
    rows: list[ClassListRow]
    unused: list[str] = field(default_factory=list)  # header texts no field was read from


COUNTERS = ("stt", "tt", "so tt", "no", "#")  # a row counter is not a column left out


def parse_class_list(data: bytes) -> list[ClassListRow]:
    """Every data row under the header row; empty rows skipped, nothing judged yet."""
    return read_class_list(data).rows


def read_class_list(data: bytes) -> ClassListFile:
    """The rows, and the columns whose header the import does not know (shown in the preview,
    so that a column left out is seen: "STT" aside)."""
    header: list[str] = []
    iterator = enumerate(sheet_rows(data), start=1)
    columns: dict[str, int] = {}
    for line, cells in iterator:
        columns = header_columns(cells, HEADERS)
        header = cells
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
    used = set(columns.values())
    unused = [
        text.strip()
        for index, text in enumerate(header)
        if text.strip() and index not in used and search_key(text).strip(" .") not in COUNTERS
    ]
    return ClassListFile(rows=found, unused=unused)
