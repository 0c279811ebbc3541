"""Making a PDF does not fill the server's log with fontTools' subsetting lines."""

from __future__ import annotations

import logging

import pytest

from attendance.exports.pdf_document import FONT_LOGGERS, ReportPdf


def test_a_pdf_writes_no_font_subsetting_lines_at_info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # the server's level: the root logger at INFO
    for name in FONT_LOGGERS:  # as a fresh server process has them
        logging.getLogger(name).setLevel(logging.NOTSET)
    pdf = ReportPdf(title="Báo cáo")
    pdf.add_page()
    pdf.line_of_text("Lớp 6A1: có mặt 30, vắng có phép 2. Nguyễn Thị Hoà, Đặng Quốc Bảo.")
    assert bytes(pdf.output()).startswith(b"%PDF")
    noisy = [r.getMessage() for r in caplog.records if r.name.startswith("fontTools")]
    assert noisy == []
    assert logging.getLogger("fontTools.subset").isEnabledFor(logging.WARNING)
