"""The conclusion notice as PDF: the DOCX's words and order with fpdf2 and the embedded
Vietnamese font (Be Vietnam Pro), for reading and printing as it is."""

from __future__ import annotations

from fpdf.fonts import TTFFont

from attendance.exports.pdf_document import FAMILY, PADDING, ReportPdf, nfc
from attendance.notices.body import HEADING, LABEL, LINE, NOTE, TABLE, Block, body_blocks
from attendance.notices.content import MOTTO, NATION, NoticeContent, signer_lines

BODY_PT = 11.5
LINE_MM = 6
DASH_LINE_MM = BODY_PT * 1.25 * 25.4 / 72  # what text_columns' line_height=1.25 gives
INDENT_MM = 6  # a dash line's indent
SIGNATURE_SPACE = 50  # mm: recipients beside the signer's title, room to sign, the name
HEADER_PT, SMALLEST_HEADER_PT = 10.5, 8.5  # a long body's name shrinks rather than break
HEADER_LEFT = 0.45  # of the text width: the bodies and the number; the rest the nation's
# Stands for each run of characters the embedded font has no glyph for (emoji, CJK ...):
# fpdf2 would drop them without a word, and an official notice must not lose a delegate's
# text silently. The DOCX keeps them (Word picks a font that has them).
MISSING_GLYPH = "[?]"


class NoticePdf(ReportPdf):
    """Page numbers as Nghị định 30 puts them: top centre, from the second page on."""

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_y(8)
            self.set_font(FAMILY, "", 11)
            self.cell(0, 5, str(self.page_no()), align="C")
            self.set_y(self.t_margin)

    def footer(self) -> None:
        pass


def render_notice_pdf(content: NoticeContent) -> bytes:
    pdf = NoticePdf(title=content.subject)
    pdf.add_page()
    glyphs = set(_font(pdf).cmap)
    _header(pdf, content)
    pdf.ln(8)
    pdf.line_of_text(printable(content.title, glyphs), size=14, style="B", align="C", height=7)
    subject = printable(content.subject, glyphs)
    pdf.line_of_text(subject, size=12.5, style="B", align="C", height=6.5)
    pdf.ln(4)
    blocks = [
        Block(
            b.kind,
            printable(b.text, glyphs),
            tuple(tuple(printable(c, glyphs) for c in r) for r in b.rows),
        )
        for b in body_blocks(content)
    ]
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.kind == LABEL and following is not None and following.kind == TABLE:
            # A poll's result sentence and its count table on one page.
            pdf.keep_room(_label_height(pdf, block) + _table_height(pdf, following))
        _block(pdf, block)
    _footer(pdf, content, glyphs)
    return bytes(pdf.output())


def _font(pdf: ReportPdf) -> TTFFont:
    """The Vietnamese font now set (always a TrueType one: ReportPdf loads no other)."""
    font = pdf.current_font
    assert isinstance(font, TTFFont)
    return font


def printable(text: str, glyphs: set[int]) -> str:
    """NFC text with each run of characters the font cannot draw as MISSING_GLYPH."""
    out: list[str] = []
    missing = False
    for char in nfc(text):
        if ord(char) in glyphs or char == "\n":
            out.append(char)
            missing = False
        elif char.isspace():
            out.append(" ")
            missing = False
        elif not missing:
            out.append(MISSING_GLYPH)
            missing = True
    return "".join(out)


def _header(pdf: ReportPdf, content: NoticeContent) -> None:
    top = pdf.get_y()
    left = pdf.epw * HEADER_LEFT
    right = pdf.epw - left
    glyphs = set(_font(pdf).cmap)
    if content.parent_body:
        parent = printable(content.parent_body.upper(), glyphs)
        pdf.set_font(FAMILY, "", _fitting(pdf, parent, "", left))
        pdf.multi_cell(left, 5, parent, align="C", new_x="LMARGIN", new_y="NEXT")
    issuing = printable(content.issuing_body.upper(), glyphs)
    pdf.set_font(FAMILY, "B", _fitting(pdf, issuing, "B", left))
    pdf.multi_cell(left, 5, issuing, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 10.5)
    number = printable(content.number, glyphs)
    pdf.multi_cell(left, 5, number, align="C", new_x="LMARGIN", new_y="NEXT")
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
    pdf.multi_cell(right, 6, printable(content.place_date, glyphs), align="C")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), below_left))


def _fitting(pdf: ReportPdf, text: str, style: str, width: float) -> float:
    """The header's size, or a smaller one down to SMALLEST_HEADER_PT, at which `text` fits
    on one line of `width` (less the cell's margins): "QUẬN LONG BIÊN" is not broken in two.
    A name too long even then wraps between words at the smallest size."""
    size = HEADER_PT
    while size > SMALLEST_HEADER_PT:
        pdf.set_font(FAMILY, style, size)
        if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
            break
        size -= 0.5
    return size


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
    if block.kind == LINE:
        _dash_line(pdf, block.text)
        return
    # Paragraphs use the width.
    # text_columns, not markdown: a bold label beside the typed text, which is printed as
    # typed (markdown would read "**" or "--" in a conclusion as emphasis).
    pdf.set_x(pdf.l_margin)  # text_columns leaves x where its last line ended
    text = block.text
    head, colon, rest = text.partition(":") if block.kind == LABEL else ("", "", text)
    with (
        pdf.text_columns(
            text_align="J", l_margin=pdf.l_margin, r_margin=pdf.r_margin, line_height=1.25
        ) as columns,
        columns.paragraph(bottom_margin=1.5) as paragraph,
    ):
        if colon:
            pdf.set_font(FAMILY, "B", BODY_PT)
            paragraph.write(head + colon)
        pdf.set_font(FAMILY, "I" if block.kind == NOTE else "", BODY_PT)
        paragraph.write(rest)


def _dash_line(pdf: ReportPdf, text: str) -> None:
    """A dash line (a person, an opinion) stands in from the margin, its wrapped lines with
    it, flush left. Wrapped here by words, measured once each: fpdf2's own line breaking
    measures a line again for every letter added, which took 28 s for 300 opinions of
    5,000 characters; this takes well under a second."""
    pdf.set_font(FAMILY, "", BODY_PT)
    width = pdf.epw - INDENT_MM - 2 * pdf.c_margin
    for line in _wrapped(pdf, text, width):
        pdf.set_x(pdf.l_margin + INDENT_MM)
        pdf.cell(0, DASH_LINE_MM, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _wrapped(pdf: ReportPdf, text: str, width: float) -> list[str]:
    """`text` in lines no wider than `width` mm in the current font, broken between words; a
    word wider than a line alone is broken between its letters. Line breaks typed in the
    text are kept. Widths from the font's table (get_string_width costs 80 µs a call)."""
    widths: dict[int, int] = _font(pdf).cw  # type: ignore[assignment]  # by code point
    scale = pdf.font_size_pt * 0.001 / pdf.k

    def measure(chars: str) -> float:
        return sum(widths[ord(c)] for c in chars) * scale

    space = measure(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split():
            size = measure(word)
            while size > width:  # a 4,900-letter "word": cut it to the line
                if line:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                cut, wide = 0, 0.0
                while cut < len(word) and wide + measure(word[cut]) <= width:
                    wide += measure(word[cut])
                    cut += 1
                cut = max(cut, 1)
                lines.append(word[:cut])
                word = word[cut:]
                size = measure(word)
            if not word:
                continue
            if line and used + space + size > width:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used += (space if line else 0.0) + size
            line.append(word)
        lines.append(" ".join(line))
    return lines


def _label_height(pdf: ReportPdf, block: Block) -> float:
    pdf.set_font(FAMILY, "B", BODY_PT)
    lines = len(_wrapped(pdf, block.text, pdf.epw - 2 * pdf.c_margin))
    return lines * DASH_LINE_MM + 1.5


def _table_height(pdf: ReportPdf, block: Block) -> float:
    """The table as grid() draws it (10 pt, equal columns), and the space after it."""
    size, count = 10, len(block.rows[0])
    line = size * 0.55
    total = 2.0
    for index, row in enumerate(block.rows):
        pdf.set_font(FAMILY, "B" if index == 0 else "", size)
        width = pdf.epw / count - 2 * PADDING
        lines = max(len(_wrapped(pdf, cell, width)) for cell in row)
        total += lines * line + 2 * PADDING
    return total


def _footer(pdf: ReportPdf, content: NoticeContent, glyphs: set[int]) -> None:
    pdf.keep_room(SIGNATURE_SPACE)
    pdf.ln(6)
    top = pdf.get_y()
    half = pdf.epw / 2
    pdf.set_font(FAMILY, "BI", 10.5)
    pdf.multi_cell(half, 5, nfc("Nơi nhận:"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9.5)
    for line in content.recipients:
        text = printable(line, glyphs)
        pdf.multi_cell(half, 4.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    below_left = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font(FAMILY, "B", 11)
    # "TL. CHỦ TỊCH" / "CHÁNH VĂN PHÒNG": the authority and the title, a line each, centred.
    for line in signer_lines(content.signer_title):
        pdf.set_x(pdf.l_margin + half)
        pdf.multi_cell(half, 5.5, printable(line, glyphs), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin + half, pdf.get_y() + 25)
    pdf.multi_cell(half, 5.5, printable(content.signer_name, glyphs), align="C")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), below_left))
