"""The conclusion notice as an editable DOCX in the layout of Nghị định 30/2020/NĐ-CP: A4,
Times New Roman, the two-column header, centred title, justified body, recipients and signer."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from attendance.notices.body import HEADING, LABEL, NOTE, TABLE, Block, body_blocks
from attendance.notices.content import MOTTO, NATION, NoticeContent, signer_lines

FONT = "Times New Roman"
BODY_PT = 14  # Nghị định 30: the body in 13 or 14 pt
SMALL_PT = 13  # the header's bodies and the national heading
RECIPIENTS_PT = 11  # "Nơi nhận" lines are 11 pt, its label 12 pt bold italic
# Margins of Nghị định 30 (top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm).
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
HEADER_LEFT_CM, HEADER_RIGHT_CM = 6.5, 9.5  # the two columns fill the 165 mm text width


def render_docx(content: NoticeContent) -> bytes:
    document = Document()
    _page(document)
    _header(document, content)
    _title(document, content)
    blocks = body_blocks(content)
    for index, block in enumerate(blocks):
        paragraph = _block(document, block)
        if paragraph is not None and index + 1 < len(blocks) and blocks[index + 1].kind == TABLE:
            # A poll's result sentence stays on the page of its count table.
            paragraph.paragraph_format.keep_with_next = True
    _footer(document, content)
    document.core_properties.title = content.subject
    document.core_properties.author = "attendance"
    document.core_properties.language = "vi-VN"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    # Page numbers top centre from the second page (Nghị định 30): a PAGE field in the
    # header, and a first page with a header of its own, left empty.
    section.different_first_page_header_footer = True
    number = _centred(section.header.paragraphs[0])
    _page_field(number)
    normal = document.styles["Normal"]
    font = normal.font
    font.name = FONT
    font.size = Pt(BODY_PT)
    # Word picks the East Asian slot for some Vietnamese letters unless it is set too.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _page_field(paragraph: Paragraph) -> None:
    """{ PAGE }: Word and LibreOffice put the page's number there."""
    run = paragraph.add_run()
    run.font.size = Pt(SMALL_PT)
    for kind, text in (
        ("begin", None),
        (None, "PAGE"),
        ("separate", None),
        (None, "2"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == "PAGE" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _header(document: DocxDocument, content: NoticeContent) -> None:
    """Bodies and number on the left, the national heading and place/date on the right, in a
    table without borders (how Word templates of administrative documents do it)."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = _widths(table, HEADER_LEFT_CM, HEADER_RIGHT_CM)
    first = left.paragraphs[0]
    if content.parent_body:
        _run(first, content.parent_body.upper(), size=SMALL_PT)
        first = left.add_paragraph()
    _run(first, content.issuing_body.upper(), size=SMALL_PT, bold=True)
    _run(_centred(left.add_paragraph()), content.number, size=SMALL_PT)
    _centred(first)
    _run(_centred(right.paragraphs[0]), NATION, size=SMALL_PT, bold=True)
    _run(_centred(right.add_paragraph()), MOTTO, size=BODY_PT, bold=True, underline=True)
    _run(_centred(right.add_paragraph()), content.place_date, size=BODY_PT, italic=True)
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.space_after = Pt(0)


def _title(document: DocxDocument, content: NoticeContent) -> None:
    title = _centred(document.add_paragraph())
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(0)
    _run(title, content.title, bold=True)
    subject = _centred(document.add_paragraph())
    subject.paragraph_format.space_after = Pt(12)
    _run(subject, content.subject, bold=True)


def _block(document: DocxDocument, block: Block) -> Paragraph | None:
    if block.kind == TABLE:
        _table(document, block.rows)
        return None
    paragraph = document.add_paragraph()
    style = paragraph.paragraph_format
    style.space_after = Pt(6)
    style.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if block.kind == HEADING:
        style.keep_with_next = True
        style.space_before = Pt(6)
        _run(paragraph, block.text, bold=True)
        return paragraph
    style.first_line_indent = Cm(1)
    if block.kind == LABEL:
        head, colon, rest = block.text.partition(":")
        _run(paragraph, head + colon, bold=True)
        _run(paragraph, rest)
    else:
        _run(paragraph, block.text, italic=block.kind == NOTE)
    return paragraph


def _table(document: DocxDocument, rows: tuple[tuple[str, ...], ...]) -> None:
    table = document.add_table(rows=0, cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, cells in enumerate(rows):
        row = table.add_row().cells
        for cell, text in zip(row, cells, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if text.isdigit() or not index else None
            # Rows keep together on one page, so the table does not leave its heading behind.
            paragraph.paragraph_format.keep_with_next = index < len(rows) - 1
            _run(paragraph, text, size=SMALL_PT, bold=index == 0)
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def _footer(document: DocxDocument, content: NoticeContent) -> None:
    """ "Nơi nhận" bottom-left, the signer bottom-right, again a table without borders."""
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = _widths(table, 7.5, 8.5)
    _recipients(left, content.recipients)
    # "TL. CHỦ TỊCH" over "CHÁNH VĂN PHÒNG": a centred bold line each.
    first, *more = signer_lines(content.signer_title)
    _run(_centred(right.paragraphs[0]), first, bold=True)
    for line in more:
        _run(_centred(right.add_paragraph()), line, bold=True)
    for _ in range(3):  # room to sign and stamp
        right.add_paragraph()
    _run(_centred(right.add_paragraph()), content.signer_name, bold=True)


def _recipients(cell: _Cell, lines: tuple[str, ...]) -> None:
    _run(cell.paragraphs[0], "Nơi nhận:", size=12, bold=True, italic=True)
    for line in lines:
        paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, line, size=RECIPIENTS_PT)


def _widths(table: Table, left_cm: float, right_cm: float) -> tuple[_Cell, _Cell]:
    """Both the grid's columns and the cells: Word reads the cells', LibreOffice the grid's."""
    left, right = table.rows[0].cells
    for column, cell, width in zip(table.columns, (left, right), (left_cm, right_cm), strict=True):
        column.width = cell.width = Cm(width)
    return left, right


def _centred(paragraph: Paragraph) -> Paragraph:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
