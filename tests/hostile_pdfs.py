"""PDFs written by hand as attack14's attacker wrote them: shapes and content no library
would write, which the page viewer and the watermark must stand up to."""

from __future__ import annotations


def raw_pdf(mediabox: bytes, *, extra: bytes = b"") -> bytes:
    """A one-page PDF written by hand as the attacker wrote it (no library would write such
    a box): Helvetica 'Hello', the page box as given."""
    content = b"BT /F1 24 Tf 0 10 Td (Hello) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + mediabox + b" /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + extra + b">>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
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


THIN = raw_pdf(b"[0 0 0.000001 500000]")  # the attacker's file: 1 x 800 000 000 px at 1600
THIN_SHORTER = raw_pdf(b"[0 0 0.00001 100000]")  # 2.4 GB and 10-18 s per image before
