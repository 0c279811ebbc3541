"""An A4 PDF with an embedded Vietnamese font, page numbers and a few layout helpers."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from importlib.resources import as_file, files

from fpdf import FPDF
from fpdf.fonts import FontFace

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


def vietnamese_datetime(value: datetime) -> str:
    """'08 giờ 00 phút, ngày 02 tháng 3 năm 2026', as minutes write it."""
    return f"{value:%H} giờ {value:%M} phút, ngày {value:%d} tháng {value.month} năm {value.year}"


def nfc(text: str) -> str:
    """Precomposed letters: one glyph each, so no mark is drawn apart from its letter."""
    return unicodedata.normalize("NFC", text)


class ReportPdf(FPDF):
    """A4 portrait, 20 mm margins, the Vietnamese font loaded in four styles."""

    def __init__(self, *, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
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
        self.ln(3)
        self.line_of_text(text, size=12, style="B", height=7)
        self.ln(1)

    def grid(
        self,
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        aligns: Sequence[str],
        size: float = 10,
    ) -> None:
        """A bordered table whose first row is a shaded heading, repeated after page breaks."""
        self.set_font(FAMILY, "", size)
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(aligns),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            line_height=size * 0.55,
            padding=1,
            width=self.epw,
        ) as table:
            for cells in rows:
                row = table.row()
                for cell in cells:
                    row.cell(nfc(cell))
