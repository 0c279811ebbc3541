"""Real files for the documents tests, one place for all of them: PDFs made with fpdf2 (and
turned with pypdf), Word and Excel files made with python-docx and openpyxl, images with
Pillow."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from docx import Document as WordDocument
from fpdf import FPDF
from numpy.typing import NDArray
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from attendance.exports.pdf_document import ReportPdf

# What xlsx_bytes writes when told nothing: a header row and one row of figures.
BUDGET_ROWS: tuple[tuple[object, ...], ...] = (
    ("Chỉ tiêu", "Kế hoạch", "Thực hiện"),
    ("Thu ngân sách", 1200, 1250),
)


def pdf_bytes(*pages: str) -> bytes:
    """A real PDF, one page per text (fpdf2's core font: the texts are kept ASCII). fpdf2
    stamps the second it was made, so two calls a second apart give different files."""
    document = FPDF()
    document.set_font("helvetica", size=14)
    for text in pages:
        document.add_page()
        document.cell(text=text)
    return bytes(document.output())


def numbered_pdf(pages: int, label: str = "Tai lieu hop") -> bytes:
    """A PDF of `pages` pages, each saying `<label>, trang <n>`."""
    return pdf_bytes(*(f"{label}, trang {n}" for n in range(1, pages + 1)))


def docx_bytes(text: str = "Tờ trình về kế hoạch đầu tư công năm 2027") -> bytes:
    """A Word file of one paragraph."""
    document = WordDocument()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows: Sequence[Sequence[object]] = BUDGET_ROWS) -> bytes:
    """An Excel workbook, the rows on its first sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def image_bytes(kind: str) -> bytes:
    """A small red picture in Pillow's format `kind` ("PNG", "JPEG")."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


# The pages of mixed_pdf, as they are shown: A4 upright, A3 upright, and an A4 page kept
# upright in the file but shown turned a quarter clockwise (/Rotate 90), so landscape.
MIXED_TEXTS = (
    "Trang một: báo cáo tình hình kinh tế – xã hội quý IV",
    "Trang hai: bảng tổng hợp ý kiến khổ A3",
    "Trang ba: phụ lục xoay ngang",
)


def text_pdf(pages: int, *, lines_per_page: int = 30) -> bytes:
    """An A4 report of `pages` pages of Vietnamese text, like a meeting's draft resolution."""
    document = ReportPdf(title="Dự thảo nghị quyết")
    for page in range(1, pages + 1):
        document.add_page()
        document.heading(f"Phần {page}. Nội dung trình kỳ họp")
        for line in range(lines_per_page):
            document.line_of_text(
                f"Điều {line + 1}. Ủy ban nhân dân quận chịu trách nhiệm tổ chức thực hiện "
                "nghị quyết này, báo cáo Hội đồng nhân dân kết quả tại kỳ họp cuối năm."
            )
    return bytes(document.output())


def mixed_pdf() -> bytes:
    """Three pages of different sizes, the third shown turned (/Rotate 90)."""
    document = ReportPdf(title="Tài liệu họp")
    document.add_page()
    document.line_of_text(MIXED_TEXTS[0])
    document.add_page(format="A3")
    document.line_of_text(MIXED_TEXTS[1])
    document.add_page()
    document.line_of_text(MIXED_TEXTS[2])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(document.output()))))
    writer.pages[2].rotate(90)
    return written(writer)


def scanned_pdf(photo: Path, pages: int) -> bytes:
    """A scan: each A4 page one full-page photo, no text (as a copier makes them)."""
    document = ReportPdf(title="Bản quét")
    for _ in range(pages):
        document.add_page()
        document.image(str(photo), x=0, y=0, w=document.w, h=document.h, keep_aspect_ratio=True)
    return bytes(document.output())


def with_stray_state(pdf: bytes) -> bytes:
    """Each page's content followed by a scale and a white fill it never restores (a
    producer's sloppy stream): a stamp drawn after it without q/Q would land shrunk in a
    corner, white on white."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        stray = DecodedStreamObject()
        stray.set_data(b"0.2 0 0 0.2 0 0 cm 1 1 1 rg 1 1 1 RG\n")
        contents = page.get_contents()
        assert contents is not None
        merged = DecodedStreamObject()
        merged.set_data(contents.get_data() + b"\n" + stray.get_data())
        page[NameObject("/Contents")] = writer._add_object(merged)
    return written(writer)


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def drawn(pdf: bytes, index: int, *, scale: float = 0.5) -> NDArray[np.int16]:
    """Page `index` as pypdfium2 draws it (turned as it is shown), grey levels."""
    document = pdfium.PdfDocument(pdf)
    try:
        image: Image.Image = document[index].render(scale=scale).to_pil().convert("L")
        return np.asarray(image, dtype=np.int16)
    finally:
        document.close()
