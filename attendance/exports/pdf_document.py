"""An A4 PDF with an embedded Vietnamese font, page numbers and a few layout helpers."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from importlib.resources import as_file, files

from fpdf import FPDF
from fpdf.fonts import FontFace

logger = logging.getLogger(__name__)
# fpdf2 subsets the font with fontTools, which logs some twenty lines at INFO for every PDF
# ("maxp pruned", "glyf subsetted", ...): noise in the server's log. Its warnings still show.
FONT_LOGGERS = ("fontTools", "fontTools.subset", "fontTools.ttLib")

# Be Vietnam Pro (SIL Open Font License 1.1), from the fontpkg-be-vietnam-pro wheel: drawn for
# Vietnamese, it has every precomposed letter (ă â đ ê ô ơ ư with all five tones, ậ ẫ ở ự
# included). fpdf2 embeds only the glyphs a document uses: a short report is about 50 kB.
FONT_PACKAGE = "fontpkg_be_vietnam_pro"
FONT_FILES = {
    "": "BeVietnamPro-Regular.ttf",
    "B": "BeVietnamPro-Bold.ttf",
    "I": "BeVietnamPro-Italic.ttf",
    "BI": "BeVietnamPro-BoldItalic.ttf",
}
FAMILY = "BeVietnamPro"
HEADING_FILL = (222, 234, 246)
# A table never leaves fewer body rows than this alone at the foot or the head of a page.
KEEP_ROWS = 2
SLACK = 0.2  # mm per row planned, so a row measured a hair short still fits where planned
PADDING = 1  # mm around a cell's text
KEEP_WITH_HEADING = 25  # mm: a heading starts a new page rather than end one alone


def vietnamese_datetime(value: datetime) -> str:
    """'08 giờ 00 phút, ngày 02 tháng 3 năm 2026', as minutes write it."""
    return f"{value:%H} giờ {value:%M} phút, ngày {value:%d} tháng {value.month} năm {value.year}"


def nfc(text: str) -> str:
    """Precomposed letters: one glyph each, so no mark is drawn apart from its letter."""
    return unicodedata.normalize("NFC", text)


class ReportPdf(FPDF):
    """A4 (portrait, or landscape for a wide table), 20 mm margins, the Vietnamese font
    loaded in four styles."""

    def __init__(self, *, title: str, landscape: bool = False) -> None:
        super().__init__(
            orientation="landscape" if landscape else "portrait", unit="mm", format="A4"
        )
        for name in FONT_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
        root = files(FONT_PACKAGE) / "files"
        for style, name in FONT_FILES.items():
            with as_file(root / name) as path:
                self.add_font(FAMILY, style, path)
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(nfc(title))
        self.set_lang("vi")
        self.set_creator("attendance")
        self.set_font(FAMILY, size=11)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FAMILY, "I", 8)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="C")

    def line_of_text(
        self, text: str, *, size: float = 11, style: str = "", align: str = "L", height: float = 6
    ) -> None:
        """A paragraph that wraps within the margins and leaves the cursor on the next line."""
        self.set_font(FAMILY, style, size)
        self.multi_cell(0, height, nfc(text), align=align, new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        self.keep_room(KEEP_WITH_HEADING)
        self.ln(3)
        self.line_of_text(text, size=12, style="B", height=7)
        self.ln(1)

    def keep_room(self, height: float) -> None:
        """A new page unless `height` mm still fit on this one (a title with what follows)."""
        if self.will_page_break(height):
            self.add_page()

    def grid(
        self,
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        aligns: Sequence[str],
        size: float = 10,
    ) -> None:
        """A bordered table whose first row is a shaded heading, repeated on every page.

        The rows are laid out on pages here, by their measured heights, so that no page holds
        fewer than KEEP_ROWS of them (a lone row at a page's foot or head is easily missed or
        taken for another table's); each page's part is drawn as a table with the heading.
        """
        line = size * 0.55
        fresh, parts = self._paginate(self._row_heights(rows, widths, size, line))
        for n, part in enumerate(parts):
            if n or fresh:
                self.add_page()
            self._table([rows[0], *(rows[i] for i in part)], widths, aligns, size, line)

    def _paginate(self, heights: list[float]) -> tuple[bool, list[range]]:
        """Whether the table starts on a new page, and the body rows (indices 1..) each page
        takes: the first page at least 2 * KEEP_ROWS - 1 of them (or all), so that the last
        page can be given KEEP_ROWS by taking them from the one before."""
        head, count = heights[0], len(heights) - 1
        full = self.page_break_trigger - self.t_margin
        space = self.page_break_trigger - self.y
        first = min(count, 2 * KEEP_ROWS - 1)
        fresh = space < head + sum(heights[1 : first + 1]) + SLACK * first
        if fresh:
            space = full
        parts: list[range] = []
        start = 1
        while start <= count:
            used, end = head, start
            while end <= count and used + heights[end] + SLACK <= space:
                used += heights[end] + SLACK
                end += 1
            end = max(end, start + 1)  # taller than a page: fpdf2 says so when drawing it
            parts.append(range(start, end))
            start, space = end, full
        if len(parts) > 1 and len(parts[-1]) < KEEP_ROWS:
            moved = parts[-2].stop - (KEEP_ROWS - len(parts[-1]))
            parts[-2:] = [range(parts[-2].start, moved), range(moved, parts[-1].stop)]
        return fresh, parts or [range(1, 1)]

    def _row_heights(
        self, rows: Sequence[Sequence[str]], widths: Sequence[float], size: float, line: float
    ) -> list[float]:
        """Each row's height as the table draws it: its tallest cell's wrapped lines."""
        total = sum(widths)
        heights = []
        for index, cells in enumerate(rows):
            self.set_font(FAMILY, "B" if index == 0 else "", size)
            lines = [
                self._lines(nfc(cell), self.epw * width / total, line)
                for cell, width in zip(cells, widths)
            ]
            heights.append(max(lines, default=1) * line + 2 * PADDING)
        self.set_font(FAMILY, "", size)
        return heights

    def _lines(self, text: str, width: float, line: float) -> int:
        wrapped = self.multi_cell(width, line, text, dry_run=True, output="LINES", padding=PADDING)
        return len(wrapped) if isinstance(wrapped, list) else 1

    def _table(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        aligns: Sequence[str],
        size: float,
        line: float,
    ) -> None:
        self.set_font(FAMILY, "", size)
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(aligns),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            line_height=line,
            padding=PADDING,
            width=self.epw,
        ) as table:
            for cells in rows:
                row = table.row()
                for cell in cells:
                    row.cell(nfc(cell))
