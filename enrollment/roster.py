"""Reading the roster spreadsheets agencies keep (XLSX or CSV) with Vietnamese headers."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator

from attendance.errors import Invalid
from attendance.roster_import import RosterRow
from attendance.text import search_key

MAX_ROWS = 5000
# An XLSX is a ZIP: refuse one that would inflate past these (a "zip bomb") before parsing.
# A 5,000-row roster unpacks to about 2 MB; openpyxl holds every shared string in memory
# (a 98 MB sharedStrings.xml cost 40 s and 700 MB), so that part has its own cap.
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 10 * 1024 * 1024
# Spreadsheet XML deflates about 10:1; a hundredfold is padding made to inflate. Parts under
# a megabyte cannot do harm whatever their ratio, so they are not judged by it.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# openpyxl pads the gaps between stored rows; a thousand empty rows in a row ends the sheet.
MAX_EMPTY_ROWS = 1000
HEADER_SEARCH_ROWS = 15  # a title line ("DANH SÁCH ĐẠI BIỂU ...") often sits above the header
MAX_COLUMNS = 40

# Header texts, compared without diacritics or case ("Họ và tên" == "HO VA TEN").
HEADERS: dict[str, tuple[str, ...]] = {
    "full_name": ("ho va ten", "ho ten", "ho va ten dai bieu", "ho ten dai bieu", "full name"),
    "title": ("chuc vu", "chuc danh", "title", "position"),
    "unit": ("don vi", "co quan", "don vi cong tac", "co quan don vi", "unit", "organisation"),
    "code": ("ma dai bieu", "ma", "ma so", "ma db", "code"),
    # The name split over two columns, as HR software exports it: "Họ đệm" + "Tên".
    "family_name": ("ho dem", "ho", "ho va ten dem", "ho va dem", "ho ten dem", "ho va chu dem"),
    "given_name": ("ten", "ten dai bieu", "given name", "first name"),
}


def parse_roster(data: bytes) -> list[RosterRow]:
    """Every data row under the header row; empty rows are skipped, nothing is judged yet."""
    return _rows_under_header(sheet_rows(data))


def sheet_rows(data: bytes) -> Iterator[list[str]]:
    """The cells of the first sheet of an XLSX (or of a CSV), row by row, as text; a damaged
    file or a ZIP bomb is refused (ROSTER_UNREADABLE, ROSTER_TOO_LARGE)."""
    if not data:
        raise _unreadable()
    return _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)


def _rows_under_header(rows: Iterable[list[str]]) -> list[RosterRow]:
    iterator = enumerate(rows, start=1)
    columns: dict[str, int] | None = None
    for line, cells in iterator:
        if line > HEADER_SEARCH_ROWS:
            break
        columns = _header_columns(cells)
        if _names_a_person(columns):
            break
    if not columns or not _names_a_person(columns):
        raise Invalid(
            "Không tìm thấy cột 'Họ và tên' trong tệp. "
            "No 'Họ và tên' (full name) column was found in the file.",
            code="ROSTER_NO_NAME_COLUMN",
        )
    found: list[RosterRow] = []
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
            # NFC: Windows-1258 and macOS write tones as separate marks; names compare whole.
            return unicodedata.normalize("NFC", text).strip()

        if "full_name" in columns:
            name = cell("full_name")
        else:
            name = " ".join(f"{cell('family_name')} {cell('given_name')}".split())
        found.append(RosterRow(line, name, cell("title"), cell("unit"), cell("code")))
    if not found:
        raise Invalid(
            "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề. "
            "The file has no rows under its header.",
            code="ROSTER_EMPTY",
        )
    return found


def _names_a_person(columns: dict[str, int]) -> bool:
    # A whole-name column wins; otherwise both halves of a split name must be there.
    return "full_name" in columns or {"family_name", "given_name"} <= columns.keys()


def _header_columns(cells: list[str]) -> dict[str, int]:
    return header_columns(cells, HEADERS)


def header_columns(cells: list[str], headers: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Which column holds each field: header texts compared without diacritics or case."""
    columns: dict[str, int] = {}
    for index, text in enumerate(cells):
        # "Mã học sinh (*)", "Ngày sinh (dd/mm/yyyy):": the notes around a header aside.
        key = re.sub(r"\([^)]*\)|\*", " ", search_key(text)).strip().rstrip(":").strip()
        for field, names in headers.items():
            if key in names and field not in columns:
                columns[field] = index
    return columns


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _refuse_zip_bomb(archive.infolist())
        import openpyxl  # imported here: only imports of a spreadsheet pay for it

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Invalid:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _unreadable() from exc
    try:
        sheet = book.worksheets[0]
        # Read-only mode trusts the sheet's declared <dimension>, which writers get wrong:
        # too small and rows are lost, too large and a million empty rows are padded in.
        sheet.reset_dimensions()
        empty = 0
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            cells = [_text(v) for v in values]
            empty = 0 if any(c.strip() for c in cells) else empty + 1
            if empty >= MAX_EMPTY_ROWS:
                return
            yield cells
    except Exception as exc:  # a damaged sheet fails only when it is read
        raise _unreadable() from exc
    finally:
        book.close()


def _refuse_zip_bomb(members: list[zipfile.ZipInfo]) -> None:
    too_large = (
        sum(i.file_size for i in members) > MAX_UNZIPPED_BYTES
        or any(
            i.filename == "xl/sharedStrings.xml" and i.file_size > MAX_SHARED_STRINGS_BYTES
            for i in members
        )
        or any(
            i.file_size >= RATIO_CHECKED_FROM_BYTES
            and i.file_size > MAX_COMPRESSION_RATIO * max(i.compress_size, 1)
            for i in members
        )
    )
    if too_large:
        raise Invalid(
            "Tệp XLSX quá lớn khi giải nén (có thể là tệp độc hại); hãy lưu lại bảng tính "
            "bằng Excel rồi gửi lại. The XLSX file is too large once unpacked (possibly a "
            "malicious file); save the spreadsheet again in Excel and resend it.",
            code="ROSTER_TOO_LARGE",
        )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number: 12.0 in the cell, "12" on paper
    return str(value)


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise _unreadable()
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        for cells in csv.reader(io.StringIO(text), dialect):
            yield cells[:MAX_COLUMNS]
    except csv.Error as exc:  # raised row by row: a field over the reader's limit, a stray NUL
        raise Invalid(
            "Không đọc được tệp CSV: có ô quá dài hoặc hỏng. "
            "The CSV file could not be read: a cell is too long or damaged.",
            code="ROSTER_UNREADABLE",
        ) from exc


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeError as exc:  # an odd byte count, a lone surrogate
            raise _unreadable() from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Windows' Vietnamese code page, still what older Excel writes for "CSV".
        return data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise _unreadable() from exc


def _unreadable() -> Invalid:
    return Invalid(
        "Không đọc được tệp; hãy gửi tệp Excel (.xlsx) hoặc CSV. "
        "The file could not be read; send an Excel (.xlsx) or CSV file.",
        code="ROSTER_UNREADABLE",
    )
