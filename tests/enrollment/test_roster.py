"""Roster spreadsheets: XLSX and CSV in the encodings offices use, headers found anywhere."""

from __future__ import annotations

import io
import unicodedata

import openpyxl
import pytest

from attendance.errors import Invalid
from enrollment.roster import parse_roster


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_a_title_line_above_the_header_is_read() -> None:
    data = xlsx(
        [
            ["DANH SÁCH ĐẠI BIỂU DỰ HỌP"],
            [],
            ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Mã đại biểu"],
            [1, "Nguyễn Văn An", "Chủ tịch", "UBND Quận 1", 12],
            [None, None, None, None, None],
            [2, "Trần Thị Bình", None, "Phòng Tư pháp", None],
        ]
    )
    rows = parse_roster(data)
    assert [(r.line, r.full_name, r.title, r.unit, r.code) for r in rows] == [
        (4, "Nguyễn Văn An", "Chủ tịch", "UBND Quận 1", "12"),
        (6, "Trần Thị Bình", "", "Phòng Tư pháp", ""),
    ]


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 keeps â, ơ, ư... whole but writes each tone as a separate mark."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        out.append(
            unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones
        )
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_csv_in_each_office_encoding_is_read(encoding: str) -> None:
    text = "HỌ TÊN;chức vụ;Cơ quan;Mã\nLê Hoàng Cường;Giám đốc;Sở Nội vụ;DB-3\n"
    data = cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    [row] = parse_roster(data)
    assert (row.full_name, row.title, row.unit, row.code) == (
        "Lê Hoàng Cường",
        "Giám đốc",
        "Sở Nội vụ",
        "DB-3",
    )


def test_a_file_without_a_name_column_is_refused_clearly() -> None:
    with pytest.raises(Invalid) as caught:
        parse_roster("Tên đơn vị,Địa chỉ\nA,B\n".encode())
    assert caught.value.code == "ROSTER_NO_NAME_COLUMN"
    assert "Họ và tên" in caught.value.message


def test_a_picture_is_not_a_spreadsheet() -> None:
    with pytest.raises(Invalid) as caught:
        parse_roster(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(200))
    assert caught.value.code == "ROSTER_UNREADABLE"


def test_a_damaged_xlsx_is_refused_not_crashed() -> None:
    with pytest.raises(Invalid) as caught:
        parse_roster(xlsx([["Họ và tên"], ["An"]])[:300])
    assert caught.value.code == "ROSTER_UNREADABLE"


def test_a_header_with_no_rows_under_it_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        parse_roster("Họ và tên,Đơn vị\n,\n".encode())
    assert caught.value.code == "ROSTER_EMPTY"
