"""A delegate's copy of a PDF carries their name and the time on every page, readable again
by pypdf, upright as each page is shown, over the original text."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, datetime

import numpy as np
import pypdfium2 as pdfium
import pytest
from document_files import (
    MIXED_TEXTS,
    drawn,
    mixed_pdf,
    page_texts,
    text_pdf,
    with_stray_state,
)
from pypdf import PdfReader

from attendance.documents.watermark import (
    FOOTER_SIZE,
    STAMP_NAME,
    stamp,
    stamp_lines,
    stamp_page,
)
from attendance.errors import STATUS_OF_CODE, Invalid, NotFound

NAME = "Nguyễn Thị Hồng Ngọc"
WHEN = "14:30 ngày 07/12/2026"
LINES = [NAME, WHEN]


def footer_ink(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """(row, column) of what the stamp added to the bottom band of a page drawn at scale 1."""
    height = after.shape[0]
    band = slice(int(height * 0.95), height)
    return np.argwhere((after[band] < 250) & (before[band] >= 250))


def assert_footer(before: np.ndarray, after: np.ndarray, what: str) -> None:
    """One line of text along the foot, centred: no taller than the largest footer font (the
    end of a misplaced diagonal crossing the band is much taller), a good part of the width."""
    width = after.shape[1]
    added = footer_ink(before, after)
    assert len(added), f"no footer at the foot of {what}"
    rows, cols = np.ptp(added, axis=0)
    assert rows <= FOOTER_SIZE[1] * 1.4, f"the footer of {what} does not run across"
    assert cols > width * 0.2, f"the footer of {what} is shrunk"
    assert abs(added[:, 1].mean() / width - 0.5) < 0.02, f"the footer of {what} is off centre"


def test_every_page_of_a_mixed_pdf_carries_the_name_and_keeps_its_text() -> None:
    stamped = stamp(mixed_pdf(), lines=LINES)

    texts = page_texts(stamped)
    assert len(texts) == 3
    for text, original in zip(texts, MIXED_TEXTS, strict=True):
        assert original in text
        assert NAME in text  # every diacritic kept: ễ, ị, ồ, ọ
        assert WHEN in text
        assert unicodedata.is_normalized("NFC", text)
    reader = PdfReader(io.BytesIO(stamped))
    assert [p.rotation for p in reader.pages] == [0, 0, 90]  # the turn is kept, not undone
    document = pdfium.PdfDocument(stamped)
    try:
        assert len(document) == 3
        sizes = [tuple(round(v) for v in document[i].get_size()) for i in range(3)]
        assert sizes == [(595, 842), (842, 1191), (842, 595)]
    finally:
        document.close()


def test_the_stamp_reads_upright_on_a_page_shown_turned() -> None:
    """The footer lies along the foot of each page as shown (the turned one included), and
    nothing is added at the top."""
    original, stamped = mixed_pdf(), stamp(mixed_pdf(), lines=LINES)
    for index in range(3):
        before, after = drawn(original, index, scale=1), drawn(stamped, index, scale=1)
        assert_footer(before, after, f"page {index + 1}")
        height = after.shape[0]
        top = slice(0, int(height * 0.05))
        assert not np.any((after[top] < 250) & (before[top] >= 250))
        middle = slice(int(height * 0.4), int(height * 0.6))
        assert np.any(after[middle] < before[middle]), "no diagonal across the middle"


def test_the_stamp_is_light_over_the_text() -> None:
    """The diagonal is a light grey: nowhere darker than 200 of 255 where the page was white."""
    original = text_pdf(1, lines_per_page=5)
    before, after = drawn(original, 0), drawn(stamp(original, lines=LINES), 0)
    height = after.shape[0]
    body = slice(int(height * 0.2), int(height * 0.8))  # the diagonal, not the footer
    added = (after[body] < before[body]) & (before[body] >= 250)
    assert added.any()
    assert after[body][added].min() >= 200


def test_a_page_that_leaves_its_graphics_state_changed_still_gets_a_full_stamp() -> None:
    """Content that scales the page and sets a white fill without restoring them: the page's
    content is wrapped in q/Q, so the footer is still at the foot, grey, full size."""
    sloppy = with_stray_state(text_pdf(1, lines_per_page=3))
    stamped = stamp(sloppy, lines=LINES)
    assert_footer(drawn(sloppy, 0, scale=1), drawn(stamped, 0, scale=1), "the page")
    assert NAME in page_texts(stamped)[0]


def test_the_stamp_is_drawn_once_per_page_size_not_per_page() -> None:
    """Twelve A4 pages: one stamp in the copy, with one font file; three sizes: three."""
    pages = text_pdf(12, lines_per_page=2)
    reader = PdfReader(io.BytesIO(stamp(pages, lines=LINES)))
    stamps, fonts = set(), set()
    for page in reader.pages:
        xobjects = page["/Resources"]["/XObject"]
        for name, ref in xobjects.items():
            if name.startswith(STAMP_NAME):
                stamps.add(ref.idnum)
                for font in ref.get_object()["/Resources"]["/Font"].values():
                    fonts.add(font.idnum)
    assert len(stamps) == 1
    assert len(fonts) == 1
    assert all(NAME in text for text in page_texts(stamp(pages, lines=LINES)))

    mixed = PdfReader(io.BytesIO(stamp(mixed_pdf(), lines=LINES)))
    forms = {
        ref.idnum
        for page in mixed.pages
        for name, ref in page["/Resources"]["/XObject"].items()
        if name.startswith(STAMP_NAME)
    }
    assert len(forms) == 3  # A4, A3 and A4 shown landscape


def test_one_page_alone_is_stamped_as_the_whole_copy_stamps_it() -> None:
    """The phone page's viewer stamps only the page it draws: the same stamp, in the same
    place, as that page of the whole copy."""
    pdf = mixed_pdf()
    alone = stamp_page(pdf, 3, lines=LINES)
    assert len(PdfReader(io.BytesIO(alone)).pages) == 1
    [text] = page_texts(alone)
    assert MIXED_TEXTS[2] in text and NAME in text
    assert np.array_equal(drawn(alone, 0, scale=1), drawn(stamp(pdf, lines=LINES), 2, scale=1))
    for number in (0, 4):
        with pytest.raises(NotFound) as caught:
            stamp_page(pdf, number, lines=LINES)
        assert caught.value.code == "DOCUMENT_PAGE_NOT_FOUND"


def test_the_copy_grows_by_kilobytes_not_by_a_font_per_page() -> None:
    pages = text_pdf(20, lines_per_page=5)
    stamped = stamp(pages, lines=LINES)
    assert len(stamped) - len(pages) < 60_000


def test_a_name_written_decomposed_comes_back_precomposed() -> None:
    decomposed = unicodedata.normalize("NFD", NAME)
    assert decomposed != NAME
    text = page_texts(stamp(text_pdf(1, lines_per_page=1), lines=[decomposed]))[0]
    assert NAME in text


def test_the_stamp_lines_are_the_name_the_delegate_s_number_and_the_local_time() -> None:
    at = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)
    assert stamp_lines(NAME, 42, at, zone="Asia/Ho_Chi_Minh") == [
        f"Bản của đại biểu / Copy of: {NAME} — ĐB số / delegate no. 42",
        f"{WHEN} — không chia sẻ / not to be shared",
    ]


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", b"not a pdf at all"],
    ids=["no-pages", "not-a-pdf"],
)
def test_a_pdf_that_cannot_be_stamped_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(Invalid) as caught:
        stamp(data, lines=LINES)
    assert caught.value.code == "DOCUMENT_STAMP_FAILED"
    assert STATUS_OF_CODE[caught.value.code] == 422
    vietnamese, english = caught.value.message.split(" / ")
    assert "Không đóng dấu được" in vietnamese
    assert "could not be stamped" in english
