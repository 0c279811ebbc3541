"""Roster spreadsheets: XLSX and CSV in the encodings offices use, headers found anywhere."""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile

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


def test_a_utf16_file_of_odd_length_is_refused_not_crashed() -> None:
    with pytest.raises(Invalid) as caught:
        parse_roster(b"\xff\xfeH\x00o\x00x")
    assert caught.value.code == "ROSTER_UNREADABLE"


def test_a_utf16_file_with_a_lone_surrogate_is_refused_not_crashed() -> None:
    with pytest.raises(Invalid) as caught:
        parse_roster(b"\xff\xfe" + "Họ và tên\n".encode("utf-16-le") + b"\x00\xd8A\x00")
    assert caught.value.code == "ROSTER_UNREADABLE"


def test_a_csv_field_too_long_for_the_reader_is_refused_not_crashed() -> None:
    data = ("Họ và tên,Đơn vị\nAn,X\n" + '"' + "x" * 140_000 + '",Y\n').encode()
    with pytest.raises(Invalid) as caught:
        parse_roster(data)
    assert caught.value.code == "ROSTER_UNREADABLE"
    assert "quá dài" in caught.value.message


def rezip(data: bytes, change: dict[str, bytes | None], stored: bool = False) -> bytes:
    """The same XLSX with some members replaced (None: unchanged) or added."""
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", method) as new:
        for name in old.namelist():
            replacement = change.get(name)
            new.writestr(name, old.read(name) if replacement is None else replacement)
        for name, content in change.items():
            if name not in old.namelist() and content is not None:
                new.writestr(name, content)
    return out.getvalue()


def test_an_xlsx_member_that_inflates_a_hundredfold_is_refused() -> None:
    data = rezip(xlsx([["Họ và tên"], ["An"]]), {"xl/media/pad.bin": bytes(2 << 20)})
    with pytest.raises(Invalid) as caught:
        parse_roster(data)
    assert caught.value.code == "ROSTER_TOO_LARGE"
    assert "giải nén" in caught.value.message


def test_an_xlsx_with_huge_shared_strings_is_refused() -> None:
    # Random words compress poorly, so only the size of the shared strings trips.
    words = "".join(f"<si><t>{os.urandom(24).hex()}</t></si>" for _ in range(170_000))
    data = rezip(xlsx([["Họ và tên"], ["An"]]), {"xl/sharedStrings.xml": words.encode()})
    with pytest.raises(Invalid) as caught:
        parse_roster(data)
    assert caught.value.code == "ROSTER_TOO_LARGE"


def test_an_xlsx_too_large_once_unpacked_is_refused() -> None:
    data = rezip(xlsx([["Họ và tên"], ["An"]]), {"xl/media/photo.bin": os.urandom(21 << 20)}, True)
    with pytest.raises(Invalid) as caught:
        parse_roster(data)
    assert caught.value.code == "ROSTER_TOO_LARGE"


def with_declared_dimension(data: bytes, ref: str) -> bytes:
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(sheet).decode()
    xml = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml)
    return rezip(data, {sheet: xml.encode()})


def test_xlsx_rows_beyond_the_declared_dimension_are_read() -> None:
    data = xlsx([["Họ và tên", "Đơn vị"], ["An", "X"], ["Bình", "Y"], ["Cường", "Z"]])
    rows = parse_roster(with_declared_dimension(data, "A1:B2"))
    assert [r.full_name for r in rows] == ["An", "Bình", "Cường"]


def test_xlsx_reading_stops_after_a_thousand_empty_rows() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ và tên"])
    sheet.append(["An"])
    sheet.cell(row=1500, column=1, value="Lạc")
    out = io.BytesIO()
    book.save(out)
    rows = parse_roster(with_declared_dimension(out.getvalue(), "A1:AN1048576"))
    assert [r.full_name for r in rows] == ["An"]


@pytest.mark.parametrize(
    ("family", "given"),
    [("Họ đệm", "Tên"), ("HỌ", "TÊN"), ("Họ và tên đệm", "Tên"), ("ho dem", "ten")],
)
def test_a_name_split_over_two_columns_is_joined(family: str, given: str) -> None:
    data = xlsx(
        [
            ["DANH SÁCH ĐẠI BIỂU"],
            ["STT", family, given, "Đơn vị"],
            [1, "Nguyễn Văn", "An", "UBND Quận 1"],
            [2, " Trần  Thị ", "Bình", "Phòng Tư pháp"],
            [3, None, "Cường", "Sở Nội vụ"],
        ]
    )
    rows = parse_roster(data)
    assert [(r.line, r.full_name, r.unit) for r in rows] == [
        (3, "Nguyễn Văn An", "UBND Quận 1"),
        (4, "Trần Thị Bình", "Phòng Tư pháp"),
        (5, "Cường", "Sở Nội vụ"),
    ]


def test_a_full_name_column_wins_over_a_given_name_column() -> None:
    rows = parse_roster("Họ và tên,Tên,Đơn vị\nNguyễn Văn An,An,X\n".encode())
    assert [r.full_name for r in rows] == ["Nguyễn Văn An"]
