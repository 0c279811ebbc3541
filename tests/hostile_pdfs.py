"""PDFs written by hand as attack14's attacker wrote them: shapes and content no library
would write, which the page viewer and the watermark must stand up to."""

from __future__ import annotations


def raw_pdf(
    mediabox: bytes = b"[0 0 612 792]",
    *,
    content: bytes = b"BT /F1 24 Tf 0 10 Td (Hello) Tj ET",
    page_extra: bytes = b"",
    more: tuple[bytes, ...] = (),
) -> bytes:
    """A one-page PDF written by hand as the attacker wrote it (no library would write such
    a box or such content): the page box and its content as given, Helvetica as /F1 (object
    5), and `more` objects numbered from 6 (for `page_extra` to name)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + mediabox + b" /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + page_extra + b">>",
        stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *more,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


THIN = raw_pdf(b"[0 0 0.000001 500000]")  # the attacker's file: 1 x 800 000 000 px at 1600
THIN_SHORTER = raw_pdf(b"[0 0 0.00001 100000]")  # 2.4 GB and 10-18 s per image before

# The watermark hidden by the page itself (attack14 #6): each page shows "Secret plan" as an
# ordinary page does, and leaves something behind for whatever is drawn after its content.
SECRET = b"BT /F1 24 Tf 72 720 Td (Secret plan) Tj ET"
PLAIN_PAGE = raw_pdf(content=SECRET)
# One Q too many pops a wrapping q, then a clip 0.1 pt square is left for what follows.
EXTRA_Q = raw_pdf(content=SECRET + b" Q 0 0 0.1 0.1 re W n")
# A string never closed swallows whatever content comes after it.
OPEN_STRING = raw_pdf(content=SECRET + b" (")
# An annotation covering the whole page, white, with the secret drawn in its own appearance:
# annotations are drawn after the page's content.
COVERING_ANNOTATION = raw_pdf(
    content=b"",
    page_extra=b"/Annots [6 0 R]",
    more=(
        b"<< /Type /Annot /Subtype /Square /Rect [0 0 612 792] /F 4 /AP << /N 7 0 R >> >>",
        stream(
            b"1 1 1 rg 0 0 612 792 re f 0 g " + SECRET,
            b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
            b"/Resources << /Font << /F1 5 0 R >> >> ",
        ),
    ),
)
