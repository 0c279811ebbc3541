"""The conclusion notice as PDF: the DOCX's words and order with fpdf2 and the embedded
Vietnamese font (Be Vietnam Pro), for reading and printing as it is."""

from __future__ import annotations

from attendance.exports.pdf_document import FAMILY, ReportPdf, nfc
from attendance.notices.body import HEADING, LABEL, LINE, NOTE, TABLE, Block, body_blocks
from attendance.notices.content import MOTTO, NATION, NoticeContent

BODY_PT = 11.5
LINE_MM = 6
INDENT_MM = 6  # a dash line's indent
SIGNATURE_SPACE = 50  # mm: recipients beside the signer's title, room to sign, the name


def render_notice_pdf(content: NoticeContent) -> bytes:
    pdf = ReportPdf(title=content.subject)
    pdf.add_page()
    _header(pdf, content)
    pdf.ln(8)
    pdf.line_of_text(content.title, size=14, style="B", align="C", height=7)
    pdf.line_of_text(content.subject, size=12.5, style="B", align="C", height=6.5)
    pdf.ln(4)
    for block in body_blocks(content):
        _block(pdf, block)
    _footer(pdf, content)
    return bytes(pdf.output())


def _header(pdf: ReportPdf, content: NoticeContent) -> None:
    top = pdf.get_y()
    left = pdf.epw * 0.42
    right = pdf.epw - left
    if content.parent_body:
        pdf.set_font(FAMILY, "", 10.5)
        pdf.multi_cell(
            left, 5, nfc(content.parent_body.upper()), align="C", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.set_font(FAMILY, "B", 10.5)
    pdf.multi_cell(
        left, 5, nfc(content.issuing_body.upper()), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 10.5)
    pdf.multi_cell(left, 5, nfc(content.number), align="C", new_x="LMARGIN", new_y="NEXT")
    below_left = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left, top)
    pdf.set_font(FAMILY, "B", 10.5)
    pdf.multi_cell(right, 5, nfc(NATION), align="C")
    pdf.set_x(pdf.l_margin + left)
    pdf.set_font(FAMILY, "BU", 11)
    pdf.multi_cell(right, 6, nfc(MOTTO), align="C")
    pdf.ln(1)
    pdf.set_x(pdf.l_margin + left)
    pdf.set_font(FAMILY, "I", 11)
    pdf.multi_cell(right, 6, nfc(content.place_date), align="C")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), below_left))


def _block(pdf: ReportPdf, block: Block) -> None:
    if block.kind == TABLE:
        count = len(block.rows[0])
        pdf.grid(block.rows, widths=(1,) * count, aligns=("CENTER",) * count, size=10)
        pdf.ln(2)
        return
    if block.kind == HEADING:
        pdf.keep_room(20)
        pdf.ln(1)
        pdf.line_of_text(block.text, size=BODY_PT, style="B", align="L", height=LINE_MM)
        return
    # Dash lines stand in from the margin, wrapped lines with them; paragraphs use the width.
    # text_columns, not markdown: a bold label beside the typed text, which is printed as
    # typed (markdown would read "**" or "--" in a conclusion as emphasis).
    indent = INDENT_MM if block.kind == LINE else 0
    pdf.set_x(pdf.l_margin)  # text_columns leaves x where its last line ended
    text = nfc(block.text)
    head, colon, rest = text.partition(":") if block.kind == LABEL else ("", "", text)
    with (
        pdf.text_columns(
            text_align="J", l_margin=pdf.l_margin + indent, r_margin=pdf.r_margin, line_height=1.25
        ) as columns,
        columns.paragraph(bottom_margin=1.5) as paragraph,
    ):
        if colon:
            pdf.set_font(FAMILY, "B", BODY_PT)
            paragraph.write(head + colon)
        pdf.set_font(FAMILY, "I" if block.kind == NOTE else "", BODY_PT)
        paragraph.write(rest)


def _footer(pdf: ReportPdf, content: NoticeContent) -> None:
    pdf.keep_room(SIGNATURE_SPACE)
    pdf.ln(6)
    top = pdf.get_y()
    half = pdf.epw / 2
    pdf.set_font(FAMILY, "BI", 10.5)
    pdf.multi_cell(half, 5, nfc("Nơi nhận:"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9.5)
    for line in content.recipients:
        pdf.multi_cell(half, 4.5, nfc(line), align="L", new_x="LMARGIN", new_y="NEXT")
    below_left = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font(FAMILY, "B", 11)
    pdf.multi_cell(half, 5.5, nfc(content.signer_title.upper()), align="C")
    pdf.set_xy(pdf.l_margin + half, pdf.get_y() + 25)
    pdf.multi_cell(half, 5.5, nfc(content.signer_name), align="C")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), below_left))
