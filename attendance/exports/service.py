"""Export a meeting in one of the formats: the one service the API and the CLI both call."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from sqlalchemy.orm import Session

from attendance.errors import Invalid
from attendance.exports.csv_file import render_csv
from attendance.exports.pdf import render_pdf
from attendance.exports.report import MeetingReport, PollSummary, build_report
from attendance.exports.xlsx import render_xlsx
from attendance.text import search_key
from attendance.voting.summary import poll_summaries


class ExportFormat(str, Enum):
    XLSX = "xlsx"
    CSV = "csv"
    PDF = "pdf"


MEDIA_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.PDF: "application/pdf",
}
RENDERERS: dict[ExportFormat, Callable[[MeetingReport], bytes]] = {
    ExportFormat.XLSX: render_xlsx,
    ExportFormat.CSV: render_csv,
    ExportFormat.PDF: render_pdf,
}
# Characters no file system or Content-Disposition header should receive.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str  # Vietnamese, e.g. "Họp giao ban tuần 2026-03-02.pdf"
    ascii_filename: str  # e.g. "hop-giao-ban-tuan-2026-03-02.pdf"


def parse_format(value: str) -> ExportFormat:
    try:
        return ExportFormat(value.strip().lower())
    except ValueError:
        known = ", ".join(f.value for f in ExportFormat)
        raise Invalid(
            f"Định dạng xuất {value!r} không được hỗ trợ; chọn một trong: {known}. "
            f"Export format {value!r} is not supported; choose one of: {known}.",
            code="UNKNOWN_EXPORT_FORMAT",
        ) from None


def export_meeting(
    session: Session,
    *,
    meeting_id: int,
    format: str,
    zone: str,
    polls: tuple[PollSummary, ...] | None = None,
) -> ExportFile:
    """The meeting's attendance (and, in the PDF, its polls and draft minutes) as a file.

    `polls` defaults to the meeting's closed polls.
    """
    kind = parse_format(format)
    if polls is None:
        polls = poll_summaries(session, meeting_id=meeting_id)
    report = build_report(session, meeting_id=meeting_id, zone=zone, polls=polls)
    stem = f"{report.title} {report.starts_at:%Y-%m-%d}"
    return ExportFile(
        content=RENDERERS[kind](report),
        media_type=MEDIA_TYPES[kind],
        filename=f"{safe_filename(stem)}.{kind.value}",
        ascii_filename=f"{ascii_slug(stem)}.{kind.value}",
    )


def safe_filename(text: str) -> str:
    name = " ".join(_UNSAFE.sub(" ", text).split()).strip(". ")
    return name[:150] or "export"


def ascii_slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Họp giao ban' -> 'hop-giao-ban'."""
    slug = re.sub(r"[^a-z0-9]+", "-", search_key(text).encode("ascii", "ignore").decode())
    return slug[:150].strip("-") or "export"
