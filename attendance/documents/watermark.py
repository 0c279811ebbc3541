"""A delegate's copy of a confidential PDF: their name and the time stamped on every page.

The stamp is drawn with fpdf2 in the embedded Be Vietnam Pro font, once per distinct visible
page size, and kept in the copy as one Form XObject per size. Each page's content is moved,
as it is, into a Form XObject of its own, and the page then draws `q /Page Do Q` followed by
`q <matrix> cm /Stamp Do Q`: a form is read in its own context, so nothing the content leaves
behind (an extra Q and a clip, a string never closed) can hide the stamp. A page whose
annotations draw also gets the stamp as its last annotation, drawn over them. The content
is copied, never parsed, so a scanned 300-page PDF costs little more than a short one, and
the file grows by a few kB, not by a copy of the font per page.

Two parts: a light diagonal across the page (seen at a glance on a photo of a leaked page)
and a footer line (horizontal as the page is shown, so that pypdf's extract_text reads it
back: that is how a copy is traced to its reader). A page shown rotated (/Rotate 90, 180,
270) gets the stamp turned the other way, so it reads upright as the page is shown.
"""

from __future__ import annotations

import functools
import io
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import as_file, files
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.errors import FPDFException
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from attendance.errors import Invalid, NotFound
from attendance.exports.pdf_document import FAMILY, FONT_FILES, FONT_LOGGERS, FONT_PACKAGE, nfc

logger = logging.getLogger(__name__)

STAMP_NAME = "/AttendanceStamp"  # + the size's index; a name no producer uses
CONTENT_NAME = "/AttendancePage"  # the page's own content, moved into a form
GREY = (120, 120, 120)
DIAGONAL_OPACITY = 0.16  # light: the page stays readable under it
FOOTER_OPACITY = 0.75
MIN_SIDE = 36.0  # pt: a page box smaller than half an inch is drawn on as if it were this
FOOTER_SIZE = (6.0, 9.0)  # pt, smallest and largest: a postcard and an A0 both stay legible
DIAGONAL_SIZE = (14.0, 72.0)
DIAGONAL_SPAN = 0.7  # of the page's diagonal, for the longest line
STAMP_FAILED = (
    "Không đóng dấu được tên người đọc lên tệp PDF này. Thư ký hãy mở tệp, in lại ra PDF "
    "(hoặc lưu thành PDF mới) rồi tải lên làm phiên bản mới, hoặc bỏ đóng dấu cho tài liệu. / "
    "The reader's name could not be stamped on this PDF. The secretary should re-save it as a "
    "new PDF and upload it as a new version, or turn the watermark off for this document."
)


@dataclass(frozen=True)
class Shown:
    """A page as a reader sees it: its visible box (user space) and clockwise rotation."""

    left: float
    bottom: float
    width: float  # of the box, before the rotation
    height: float
    rotation: int  # 0, 90, 180 or 270

    @property
    def size(self) -> tuple[float, float]:
        """Width and height as shown, in points (rounded: sizes a hair apart share a stamp)."""
        if self.rotation in (90, 270):
            return round(self.height, 1), round(self.width, 1)
        return round(self.width, 1), round(self.height, 1)

    def matrix(self) -> tuple[float, float, float, float, float, float]:
        """Places a stamp drawn upright at `size` onto the box: turned counter-clockwise by
        the rotation the viewer turns the page clockwise, then moved onto the box."""
        turn = math.radians(self.rotation)
        cos, sin = round(math.cos(turn)), round(math.sin(turn))
        width, height = self.size
        corners = [(x * cos - y * sin, x * sin + y * cos) for x in (0, width) for y in (0, height)]
        e = self.left - min(x for x, _ in corners)
        f = self.bottom - min(y for _, y in corners)
        return (cos, sin, -sin, cos, e, f)


def stamp_lines(name: str, person_id: int, at: datetime, *, zone: str) -> list[str]:
    """What a delegate's copy says: whose it is, and when it was made (local time), so a
    leaked copy names its reader to whoever finds it, in both languages. The delegate's
    number (their person id) stands beside the name: two delegates of the same name (common)
    get copies that tell them apart. The file route and the page route both stamp with these,
    so a copy reads the same way however it was opened."""
    local = at.astimezone(ZoneInfo(zone))
    return [
        f"Bản của đại biểu / Copy of: {name} — ĐB số / delegate no. {person_id}",
        f"{local:%H:%M} ngày {local:%d/%m/%Y} — không chia sẻ / not to be shared",
    ]


def stamp(pdf: bytes | Path, *, lines: Sequence[str]) -> bytes:
    """The PDF with `lines` (the reader's name, the time) on every page; Invalid
    (DOCUMENT_STAMP_FAILED) when the file cannot be read or written back."""
    return _stamped(pdf, lines, page=None)


def stamp_page(pdf: bytes | Path, number: int, *, lines: Sequence[str]) -> bytes:
    """Page `number` (1-based, within the document) alone, stamped as `stamp` stamps every
    page: what the phone page's viewer draws for one page of a delegate's copy, at a cost
    that does not grow with the document."""
    return _stamped(pdf, lines, page=number)


def _stamped(pdf: bytes | Path, lines: Sequence[str], *, page: int | None) -> bytes:
    lines = [nfc(line.strip()) for line in lines if line.strip()]
    if not lines:
        raise ValueError("a stamp needs at least one line")
    try:
        reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PyPdfError("encrypted with a user password")
        if page is None:
            writer = PdfWriter(clone_from=reader)
        else:
            count = len(reader.pages)
            if not 1 <= page <= count:
                raise NotFound(
                    f"Tài liệu có {count} trang, không có trang {page}. "
                    f"The document has {count} pages; there is no page {page}.",
                    code="DOCUMENT_PAGE_NOT_FOUND",
                )
            writer = PdfWriter()
            writer.add_page(reader.pages[page - 1])
        shown = [_shown(each) for each in writer.pages]
        sizes = list(dict.fromkeys(s.size for s in shown))
        forms = _forms(writer, _draw(tuple(sizes), tuple(lines)), sizes)
        streams: dict[bytes, IndirectObject] = {}  # the same wrapping shared by like pages
        for each, where in zip(writer.pages, shown, strict=True):
            _place(writer, each, forms[where.size], where, streams)
        out = io.BytesIO()
        writer.write(out)
    except (
        OSError,
        PyPdfError,
        FPDFException,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
    ) as exc:
        # A PDF the upload accepted but pypdf cannot take apart here: the secretary can act
        # on it (a re-saved file, or no watermark); a delegate is never given an unstamped copy.
        logger.warning("a PDF could not be stamped: %s", exc)
        raise Invalid(STAMP_FAILED, code="DOCUMENT_STAMP_FAILED") from exc
    return out.getvalue()


def _shown(page: PageObject) -> Shown:
    box = page.cropbox
    rotation = (int(page.rotation) // 90 * 90) % 360  # a non-multiple of 90 is not valid PDF
    return Shown(
        left=float(min(box.left, box.right)),
        bottom=float(min(box.bottom, box.top)),
        width=max(abs(float(box.width)), MIN_SIDE),
        height=max(abs(float(box.height)), MIN_SIDE),
        rotation=rotation,
    )


# Loading and subsetting the font is most of a stamp's cost (some 40 ms): a delegate leafing
# through a watermarked PDF gets the same lines (name, minute) for each page drawn, so the
# drawn stamps are kept, a few dozen of some 30 kB each. Same lines, same stamp: a delegate
# is never given anything drawn for other lines.
@functools.lru_cache(maxsize=32)
def _draw(sizes: tuple[tuple[float, float], ...], lines: tuple[str, ...]) -> bytes:
    """One stamp page per size, upright, in points."""
    for name in FONT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    document = FPDF(unit="pt")
    root = files(FONT_PACKAGE) / "files"
    with as_file(root / FONT_FILES[""]) as path:
        document.add_font(FAMILY, "", path)
    document.set_auto_page_break(False)
    document.set_creator("attendance")
    footer = " · ".join(lines)
    for width, height in sizes:
        document.add_page(format=(width, height))
        document.set_text_color(*GREY)
        _diagonal(document, width, height, lines)
        _footer(document, width, height, footer)
    return bytes(document.output())


def _diagonal(document: FPDF, width: float, height: float, lines: Sequence[str]) -> None:
    document.set_font(FAMILY, size=10)
    longest = max(document.get_string_width(line) for line in lines) or 1.0
    size = 10 * DIAGONAL_SPAN * math.hypot(width, height) / longest
    size = min(max(size, DIAGONAL_SIZE[0]), DIAGONAL_SIZE[1])
    document.set_font(FAMILY, size=size)
    step = size * 1.25
    top = height / 2 - step * len(lines) / 2
    # Along the diagonal, from the lower left corner to the upper right one.
    angle = math.degrees(math.atan2(height, width))
    with (
        document.local_context(fill_opacity=DIAGONAL_OPACITY, text_color=GREY),
        document.rotation(angle, x=width / 2, y=height / 2),
    ):
        for n, line in enumerate(lines):
            document.set_xy(0, top + n * step)
            document.cell(width, step, line, align="C")


def _footer(document: FPDF, width: float, height: float, text: str) -> None:
    size = min(max(width / 70, FOOTER_SIZE[0]), FOOTER_SIZE[1])
    document.set_font(FAMILY, size=size)
    while document.get_string_width(text) > width * 0.94 and size > 4:
        size -= 0.5  # a long name on a narrow page: smaller, never cut
        document.set_font(FAMILY, size=size)
    with document.local_context(fill_opacity=FOOTER_OPACITY, text_color=GREY):
        document.set_xy(0, height - size * 2.2)
        document.cell(width, size * 1.4, text, align="C")


def _forms(
    writer: PdfWriter, drawn: bytes, sizes: Sequence[tuple[float, float]]
) -> dict[tuple[float, float], IndirectObject]:
    """Each drawn stamp page as a Form XObject of the copy (its font kept once for all)."""
    stamps = PdfReader(io.BytesIO(drawn))
    forms = {}
    for size, page in zip(sizes, stamps.pages, strict=True):
        content = page.get_contents()  # a dict: an empty one is falsy, hence "is None"
        form = DecodedStreamObject()
        form.set_data(b"" if content is None else content.get_data())
        resources = page.get("/Resources")
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    [NumberObject(0), NumberObject(0), FloatObject(size[0]), FloatObject(size[1])]
                ),
                NameObject("/Resources"): (
                    resources.get_object().clone(writer) if resources else DictionaryObject()
                ),
            }
        )
        forms[size] = writer._add_object(form.flate_encode())
    return forms


def _place(
    writer: PdfWriter,
    page: DictionaryObject,
    form: IndirectObject,
    where: Shown,
    streams: dict[bytes, IndirectObject],
) -> None:
    """Draw the form over the page's content. The content is moved into a Form XObject of
    its own, drawn first: a content stream is read in its own context, so whatever it leaves
    behind (one Q too many with a clip after it, a string never closed that would swallow
    what follows: attack14 #6) cannot reach the stamp drawn after it. A page whose
    annotations draw something (which PDF readers draw over the content) also gets the stamp
    as its last annotation, over them. The page gets its own /Resources and /XObject
    dictionaries (shallow copies): one shared with other pages, or inherited from the page
    tree, is left as it was."""
    name = f"{STAMP_NAME}{form.idnum}"
    resources = page.get("/Resources")
    own = DictionaryObject(resources.get_object().items() if resources else ())
    xobjects = own.get("/XObject")
    own_xobjects = DictionaryObject(xobjects.get_object().items() if xobjects else ())
    own_xobjects[NameObject(name)] = form

    contents = page.get("/Contents")
    if contents is None:
        parts: list[PdfObject] = []
    elif isinstance(contents.get_object(), ArrayObject):
        parts = list(contents.get_object())
    else:
        parts = [contents]
    box = ArrayObject(
        FloatObject(v)
        for v in (where.left, where.bottom, where.left + where.width, where.bottom + where.height)
    )
    first = ""
    if parts:
        own_xobjects[NameObject(CONTENT_NAME)] = _content_form(writer, parts, resources, box)
        first = f"q {CONTENT_NAME} Do Q\n"
    own[NameObject("/XObject")] = own_xobjects
    page[NameObject("/Resources")] = own

    matrix = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in where.matrix())
    drawing = f"q {matrix} cm {name} Do Q\n"
    page[NameObject("/Contents")] = _stream(writer, (first + drawing).encode("ascii"), streams)
    if _annotations_draw(page):
        _add_annotation(writer, page, drawing, name, form, box)


def _content_form(
    writer: PdfWriter, parts: list[PdfObject], resources: PdfObject | None, box: ArrayObject
) -> IndirectObject:
    """The page's content streams as one Form XObject, with the page's resources."""
    data = []
    for part in parts:
        stream = part.get_object()
        if isinstance(stream, StreamObject):  # a missing one (null) draws nothing anyway
            data.append(stream.get_data())
    content = DecodedStreamObject()
    content.set_data(b"\n".join(data))
    content.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): box,
            NameObject("/Resources"): resources if resources is not None else DictionaryObject(),
        }
    )
    return writer._add_object(content.flate_encode())


def _annotations_draw(page: DictionaryObject) -> bool:
    """Whether any of the page's annotations has an appearance to draw (links do not)."""
    annotations = page.get("/Annots")
    if annotations is None:
        return False
    for annotation in annotations.get_object():
        annotation = annotation.get_object()
        if isinstance(annotation, DictionaryObject) and "/AP" in annotation:
            return True
    return False


def _add_annotation(
    writer: PdfWriter,
    page: DictionaryObject,
    drawing: str,
    name: str,
    form: IndirectObject,
    box: ArrayObject,
) -> None:
    """The stamp as the page's last annotation (drawn after the others), printed, read-only
    and locked, its appearance the same drawing as in the content."""
    appearance = DecodedStreamObject()
    appearance.set_data(drawing.encode("ascii"))
    appearance.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): box,
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/XObject"): DictionaryObject({NameObject(name): form})}
            ),
        }
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Stamp"),
            NameObject("/Rect"): box,
            NameObject("/F"): NumberObject(4 | 64 | 128),  # print, read-only, locked
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
        }
    )
    earlier = page.get("/Annots")  # there: _annotations_draw found it
    page[NameObject("/Annots")] = ArrayObject(
        [*(earlier.get_object() if earlier is not None else ()), writer._add_object(annotation)]
    )


def _stream(writer: PdfWriter, data: bytes, streams: dict[bytes, IndirectObject]) -> IndirectObject:
    if data not in streams:
        stream: StreamObject = DecodedStreamObject()
        stream.set_data(data)
        streams[data] = writer._add_object(stream)
    return streams[data]
