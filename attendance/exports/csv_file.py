"""The attendance list as CSV: UTF-8 with a BOM, which Excel needs to read Vietnamese."""

from __future__ import annotations

import csv
import io

from attendance.exports.report import COLUMNS, MeetingReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(report: MeetingReport) -> bytes:
    """RFC 4180 (comma, CRLF); the BOM tells Excel the file is UTF-8, not the ANSI code page."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(tuple(_inert(cell) for cell in row.cells()) for row in report.rows)
    return out.getvalue().encode("utf-8-sig")


def _inert(cell: str | int) -> str | int:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell
