"""A PDF's pages drawn as PNG images for the phone page: sizes within bounds, turned pages
shown turned, pages outside the document refused, PDFium called one thread at a time."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor, wait

import pytest
from document_files import mixed_pdf, text_pdf
from PIL import Image

from attendance.documents.pages import (
    MAX_PIXELS,
    MAX_WIDTH,
    MIN_WIDTH,
    PDFIUM_LOCK,
    PageImages,
    clamp_width,
    page_count,
    render_page,
)
from attendance.errors import STATUS_OF_CODE, Invalid, NotFound
from attendance.exports.pdf_document import ReportPdf


def size_of(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return image.size


def test_pages_are_counted_and_drawn_at_the_width_asked() -> None:
    pdf = mixed_pdf()
    assert page_count(pdf) == 3
    width, height = size_of(render_page(pdf, 1, width=800))
    assert width == 800 and abs(height - 800 * 842 / 595) <= 2  # A4 upright
    width, height = size_of(render_page(pdf, 3, width=800))
    assert width == 800 and abs(height - 800 * 595 / 842) <= 2  # shown turned: landscape


@pytest.mark.parametrize(
    ("asked", "drawn"),
    [(None, 800), (1, MIN_WIDTH), (-5, MIN_WIDTH), (390, 400), (801, 880), (10**9, MAX_WIDTH)],
)
def test_widths_are_kept_within_what_a_phone_uses(asked: int | None, drawn: int) -> None:
    assert clamp_width(asked) == drawn
    if asked is not None:
        assert size_of(render_page(mixed_pdf(), 1, width=asked))[0] == drawn


def test_a_very_tall_page_is_drawn_within_the_pixel_bound() -> None:
    document = ReportPdf(title="Băng rôn")
    document.add_page(format=(100, 5000))  # mm: a strip 14 000 pt tall
    document.line_of_text("Băng rôn")
    width, height = size_of(render_page(bytes(document.output()), 1, width=MAX_WIDTH))
    assert width * height <= MAX_PIXELS * 1.01
    assert height > width * 40  # the strip's shape is kept, only smaller


@pytest.mark.parametrize("number", [0, 4, -1, 10**12])
def test_a_page_outside_the_document_is_not_found(number: int) -> None:
    with pytest.raises(NotFound) as caught:
        render_page(mixed_pdf(), number, width=400)
    assert caught.value.code == "DOCUMENT_PAGE_NOT_FOUND"
    assert STATUS_OF_CODE["DOCUMENT_PAGE_NOT_FOUND"] == 404
    assert "có 3 trang" in caught.value.message and "has 3 pages" in caught.value.message


def test_a_file_pdfium_cannot_open_is_a_clear_error() -> None:
    for action in (lambda: page_count(b"%PDF-1.4 broken"), lambda: render_page(b"", 1, width=400)):
        with pytest.raises(Invalid) as caught:
            action()
        assert caught.value.code == "DOCUMENT_NOT_DRAWN"
        assert "Không hiển thị được" in caught.value.message
        assert "cannot be shown" in caught.value.message


def test_every_drawing_waits_for_the_one_pdfium_lock() -> None:
    """PDFium is not thread-safe: while the lock is held elsewhere, no page is drawn."""
    pdf = text_pdf(1, lines_per_page=3)
    with ThreadPoolExecutor(2) as pool:
        with PDFIUM_LOCK:
            drawing = pool.submit(render_page, pdf, 1, width=320)
            counting = pool.submit(page_count, pdf)
            done, _ = wait([drawing, counting], timeout=0.5)
            assert not done
        assert size_of(drawing.result(timeout=30))[0] == 320
        assert counting.result(timeout=30) == 1


def test_pages_drawn_from_many_threads_at_once_are_those_drawn_one_by_one() -> None:
    pdf = text_pdf(4, lines_per_page=12)
    jobs = [(n, width) for n in range(1, 5) for width in (320, 640)] * 3
    alone = {job: render_page(pdf, job[0], width=job[1]) for job in set(jobs)}
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda job: render_page(pdf, job[0], width=job[1]), jobs))
    assert together == [alone[job] for job in jobs]


def test_the_cache_keeps_the_recently_used_images_within_its_bytes() -> None:
    cache = PageImages(max_bytes=1000)
    cache.put(("a", 1, 320), b"x" * 200)
    cache.put(("a", 2, 320), b"y" * 200)
    cache.put(("a", 3, 320), b"z" * 251)  # over a quarter of the whole: not kept
    assert cache.get(("a", 3, 320)) is None
    assert cache.get(("a", 1, 320)) == b"x" * 200  # used: now the newest
    for n in range(3, 7):
        cache.put(("b", n, 320), b"w" * 200)  # 1200 bytes: one image must go
    assert cache.get(("a", 2, 320)) is None  # the least recently used went first
    assert cache.get(("a", 1, 320)) == b"x" * 200  # used since: kept
    cache.put(("b", 7, 320), b"w" * 200)
    assert cache.get(("b", 3, 320)) is None
    assert sum(cache.get(("b", n, 320)) is not None for n in range(4, 8)) == 4


def test_a_page_in_colour_keeps_its_colour_and_a_grey_one_is_written_grey() -> None:
    """Grey pages (most text) are written as one channel: smaller and faster to write; a
    page with colour keeps it."""
    document = ReportPdf(title="Biểu đồ")
    document.add_page()
    document.set_fill_color(200, 30, 30)
    document.rect(20, 20, 100, 60, style="F")
    coloured = render_page(bytes(document.output()), 1, width=400)
    with Image.open(io.BytesIO(coloured)) as image:
        assert image.mode == "RGB"
        red, green, blue = image.getpixel((100, 60))
        assert red > 150 and green < 80 and blue < 80
    with Image.open(io.BytesIO(render_page(text_pdf(1, lines_per_page=3), 1, width=400))) as image:
        assert image.mode == "L"
