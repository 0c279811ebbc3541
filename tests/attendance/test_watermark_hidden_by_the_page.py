"""The stamp stays visible whatever the page draws (attack14 #6): a page's own content (one Q
too many with a tiny clip after it, a string never closed) or an annotation covering the page
once hid it completely, 0 pixels changed, while pypdf's extract_text still read it back. So
these look at pixels, as PDFium draws the page (annotations included) for the phone page and
as most PDF readers would."""

from __future__ import annotations

import numpy as np
import pytest
from document_files import drawn, page_texts
from hostile_pdfs import COVERING_ANNOTATION, EXTRA_Q, OPEN_STRING, PLAIN_PAGE

from attendance.documents.pages import render_page
from attendance.documents.watermark import stamp, stamp_page

LINES = ["Bản của đại biểu / Copy of: Lê Văn Tám — ĐB số / delegate no. 8", "14:30 ngày 07/12"]


def changed(before: bytes, after: bytes) -> int:
    """Pixels the stamp changed on page 1, drawn by PDFium at scale 1."""
    return int(np.count_nonzero(drawn(before, 0, scale=1) != drawn(after, 0, scale=1)))


@pytest.mark.parametrize(
    "pdf",
    [PLAIN_PAGE, EXTRA_Q, OPEN_STRING, COVERING_ANNOTATION],
    ids=["plain", "extra-Q-and-clip", "open-string", "covering-annotation"],
)
def test_the_stamp_is_seen_over_whatever_the_page_draws(pdf: bytes) -> None:
    plain = changed(PLAIN_PAGE, stamp(PLAIN_PAGE, lines=LINES))
    assert plain > 5000  # the diagonal and the footer of an ordinary page
    copy = stamp(pdf, lines=LINES)
    assert changed(pdf, copy) > plain * 0.8
    # The page viewer draws one page stamped alone: the same stamp shows there.
    alone = stamp_page(pdf, 1, lines=LINES)
    assert changed(pdf, alone) > plain * 0.8
    assert render_page(alone, 1, width=612) != render_page(pdf, 1, width=612)


@pytest.mark.parametrize("pdf", [PLAIN_PAGE, EXTRA_Q, OPEN_STRING], ids=["plain", "q", "string"])
def test_the_page_s_own_text_is_still_drawn_and_read_under_the_stamp(pdf: bytes) -> None:
    copy = stamp(pdf, lines=LINES)
    # The stamp is light grey: every dark pixel is the page's own text, the same before.
    assert np.count_nonzero(drawn(pdf, 0, scale=1) < 100) > 500
    assert np.array_equal(drawn(pdf, 0, scale=1) < 100, drawn(copy, 0, scale=1) < 100)
    text = page_texts(copy)[0]
    assert "Lê Văn Tám" in text
    if pdf is not OPEN_STRING:  # pypdf reads no text from that page, stamped or not
        assert "Secret plan" in text
