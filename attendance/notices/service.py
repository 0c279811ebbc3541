"""The conclusion notice as a file to download: the one call the API (and any CLI) makes."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from attendance.errors import Invalid
from attendance.exports.service import ExportFile, safe_filename
from attendance.notices.content import NoticeContent, notice_content
from attendance.notices.docx_file import render_docx
from attendance.notices.pdf_file import render_notice_pdf

FORMATS: dict[str, tuple[str, Callable[[NoticeContent], bytes]]] = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        render_docx,
    ),
    "pdf": ("application/pdf", render_notice_pdf),
}


def notice_file(session: Session, *, meeting_id: int, format: str, zone: str) -> ExportFile:
    """The notice as DOCX (to edit in Word) or PDF, named after the meeting."""
    kind = format.strip().lower()
    if kind not in FORMATS:
        known = ", ".join(FORMATS)
        raise Invalid(
            f"Định dạng {format[:20]!r} không được hỗ trợ cho thông báo kết luận; chọn một "
            f"trong: {known}. Format {format[:20]!r} is not offered for the conclusion "
            f"notice; choose one of: {known}.",
            code="UNKNOWN_EXPORT_FORMAT",
        )
    content = notice_content(session, meeting_id=meeting_id, tz=zone)
    media_type, render = FORMATS[kind]
    return ExportFile(
        content=render(content),
        media_type=media_type,
        filename=f"{safe_filename(f'Thông báo kết luận {meeting_id} {content.meeting_title}')}"
        f".{kind}",
        ascii_filename=f"thong-bao-ket-luan-{meeting_id}.{kind}",
    )
