"""A PDF's pages drawn as PNG images (PDFium, through pypdfium2), for the phone page's viewer:
a delegate reads a PDF without a PDF app, and without the file itself on the phone."""

from __future__ import annotations

import io
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from numpy.typing import NDArray
from PIL import Image

from attendance.errors import Invalid, NotFound

logger = logging.getLogger(__name__)

# PDFium keeps global state and is not thread-safe: two requests drawing at once in the
# server's thread pool can crash the process. Every call into it, anywhere in the process,
# holds this one lock (it is the library's, hence module level, not per app).
PDFIUM_LOCK = threading.Lock()

MIN_WIDTH, MAX_WIDTH = 320, 1600  # px: a small phone's screen to a tablet's at 2x
DEFAULT_WIDTH = 800
WIDTH_STEP = 80
# A page 100 pt wide and 14 400 pt tall (PDF allows it) drawn 1600 px wide would be some
# 700 MB of pixels: its height is capped instead, so no page costs more than this many.
MAX_PIXELS = MAX_WIDTH * MAX_WIDTH * 2
# A page's shape, in points as shown: PDF itself allows sides of 3 to 14 400 units. A side
# thinner than that, or one side more than MAX_ASPECT times the other, is no page a person
# reads (a 0.000001 pt by 500 000 pt "page" asked PDFium for a 1 x 800 000 000 bitmap): it is
# refused at upload (uploads.py) and never drawn.
MIN_SIDE = 3.0
MAX_ASPECT = 100.0
PNG_LEVEL = 3  # zlib: 6 (Pillow's default) took up to twice the time for at most 10 % less

NOT_DRAWN = (
    "Không hiển thị được các trang của tệp PDF này; hãy tải tệp về để đọc, hoặc báo thư ký "
    "lưu lại tệp thành PDF mới và tải lên làm phiên bản mới. / The pages of this PDF cannot "
    "be shown; download the file to read it, or ask the secretary to re-save it as a new PDF "
    "and upload it as a new version."
)


def clamp_width(width: int | None) -> int:
    """The width asked for, kept within what a phone or tablet can use, rounded up to a
    multiple of WIDTH_STEP: phones a few pixels apart then share the images cached."""
    if width is None:
        return DEFAULT_WIDTH
    width = min(max(width, MIN_WIDTH), MAX_WIDTH)
    return min(-(-width // WIDTH_STEP) * WIDTH_STEP, MAX_WIDTH)


def drawable(width: float, height: float) -> bool:
    """Whether a page this size (points, as shown) has a shape worth drawing."""
    if not (math.isfinite(width) and math.isfinite(height)):
        return False
    short, long = sorted((abs(width), abs(height)))
    return short >= MIN_SIDE and long <= short * MAX_ASPECT


def fitted_scale(width: float, height: float, *, pixels_wide: int) -> float:
    """Points to pixels for a page `width` x `height` pt drawn `pixels_wide` across, less
    when the bitmap PDFium makes (each side rounded up to whole pixels) would pass
    MAX_PIXELS."""
    scale = pixels_wide / width
    if math.ceil(width * scale) * math.ceil(height * scale) > MAX_PIXELS:
        scale = math.sqrt(MAX_PIXELS / (width * height))
        while math.ceil(width * scale) * math.ceil(height * scale) > MAX_PIXELS:
            scale *= 0.99  # the rounding up added a row or a column: a few steps at most
    return scale


def page_count(pdf: bytes | Path) -> int:
    """How many pages PDFium finds in the PDF; Invalid (DOCUMENT_NOT_DRAWN) when it cannot
    open it."""
    with _opened(pdf) as document:
        return len(document)


def render_page(pdf: bytes | Path, number: int, *, width: int) -> bytes:
    """Page `number` (1-based) as a PNG `width` pixels wide (clamped to MIN..MAX_WIDTH; less
    for a page so tall that it would pass MAX_PIXELS), turned as the page is shown, on white.
    NotFound (DOCUMENT_PAGE_NOT_FOUND) for a page the PDF does not have; Invalid
    (DOCUMENT_NOT_DRAWN) for one of absurd shape (`drawable`)."""
    width = clamp_width(width)
    with _opened(pdf) as document:
        count = len(document)
        if not 1 <= number <= count:
            raise NotFound(
                f"Tài liệu có {count} trang, không có trang {number}. "
                f"The document has {count} pages; there is no page {number}.",
                code="DOCUMENT_PAGE_NOT_FOUND",
            )
        page = document[number - 1]
        try:
            shown_width, shown_height = page.get_size()  # points, as shown (/Rotate applied)
            if not drawable(shown_width, shown_height):
                logger.warning(
                    "page %s is %s x %s pt: not drawn", number, shown_width, shown_height
                )
                raise Invalid(NOT_DRAWN, code="DOCUMENT_NOT_DRAWN")
            scale = fitted_scale(shown_width, shown_height, pixels_wide=width)
            bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255), rev_byteorder=True)
            try:
                # A copy of the pixels: the bitmap's buffer is PDFium's, freed below.
                pixels = np.array(bitmap.to_numpy()[..., :3])
            finally:
                bitmap.close()
        except pdfium.PdfiumError as exc:
            logger.warning("page %s of a PDF could not be drawn: %s", number, exc)
            raise Invalid(NOT_DRAWN, code="DOCUMENT_NOT_DRAWN") from exc
        finally:
            page.close()
    return _png(pixels)


def _png(pixels: NDArray[np.uint8]) -> bytes:
    """PNG bytes (outside the lock: Pillow's own work). A page without colour (most text) is
    written as grey: a third of the data to compress, some three times faster."""
    grey = bool(
        np.array_equal(pixels[..., 0], pixels[..., 1])
        and np.array_equal(pixels[..., 1], pixels[..., 2])
    )
    image = Image.fromarray(np.ascontiguousarray(pixels[..., 0]) if grey else pixels)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_LEVEL)
    return out.getvalue()


@contextmanager
def _opened(pdf: bytes | Path) -> Iterator[pdfium.PdfDocument]:
    """The PDF opened by PDFium under the lock, closed before the lock is let go (pypdfium2
    would otherwise close it from a finalizer, in any thread, outside the lock). A path is
    read by PDFium as it needs: a page of a 50 MB file does not read the 50 MB."""
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            logger.warning("a PDF could not be opened to draw its pages: %s", exc)
            raise Invalid(NOT_DRAWN, code="DOCUMENT_NOT_DRAWN") from exc
        try:
            yield document
        finally:
            document.close()


class PageImages:
    """Pages drawn recently, by (file SHA-256, page, width), up to `max_bytes` (least
    recently used first out). Only the file as stored is cached: a delegate's stamped copy
    is drawn for each request and never kept, so no delegate can be given another's."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._images: OrderedDict[tuple[str, int, int], bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int, int]) -> bytes | None:
        with self._lock:
            image = self._images.get(key)
            if image is not None:
                self._images.move_to_end(key)
            return image

    def put(self, key: tuple[str, int, int], image: bytes) -> None:
        if len(image) > self.max_bytes // 4:
            return  # one huge page would push out everything else
        with self._lock:
            old = self._images.pop(key, None)
            self._bytes -= len(old) if old is not None else 0
            self._images[key] = image
            self._bytes += len(image)
            while self._bytes > self.max_bytes:
                _, dropped = self._images.popitem(last=False)
                self._bytes -= len(dropped)
