"""Pages of absurd shape (attack14 #2): a 586-byte PDF whose page is 0.000001 pt wide and
500 000 pt tall once made PDFium allocate a 1 x 800 000 000 bitmap (12 GB, 91 s) for one page
image. Such a page is refused at upload and never drawn; a long but real page is drawn within
the pixel bound whatever its shape."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap

import pytest
from hostile_pdfs import THIN, THIN_SHORTER, raw_pdf
from PIL import Image

from attendance.documents.pages import MAX_PIXELS, MAX_WIDTH, render_page
from attendance.documents.uploads import Upload, checked_version
from attendance.errors import STATUS_OF_CODE, Invalid
from attendance.settings import DocumentSettings


def size_of(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def test_the_attackers_thin_page_is_refused_quickly_and_in_little_memory() -> None:
    """In a child process (its peak memory, VmHWM, is its own, and an address-space limit keeps a
    regression from taking the machine): the widest width asked, the refusal within a few
    hundred MB and seconds."""
    script = textwrap.dedent(
        """
        import json, resource, sys, time
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        from attendance.documents.pages import render_page
        from attendance.errors import Invalid
        data = sys.stdin.buffer.read()
        started = time.monotonic()
        code = None
        try:
            render_page(data, 1, width=1600)
        except Invalid as error:
            code = error.code
        except MemoryError:
            code = "MemoryError"
        # VmHWM, not getrusage's ru_maxrss: that one keeps the forking pytest's own peak.
        status = open("/proc/self/status").read().split("VmHWM:")[1]
        peak = int(status.split()[0]) // 1024
        print(json.dumps({"code": code, "mb": peak, "s": time.monotonic() - started}))
        """
    )
    for pdf in (THIN, THIN_SHORTER):
        assert len(pdf) < 700
        done = subprocess.run(
            [sys.executable, "-c", script],
            input=pdf,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        found = json.loads(done.stdout)
        assert found["code"] == "DOCUMENT_NOT_DRAWN", found
        assert found["mb"] < 400, found
        assert found["s"] < 5, found


@pytest.mark.parametrize(
    "mediabox",
    [
        b"[0 0 0.000001 500000]",
        b"[0 0 500000 0.000001]",  # as wide the other way
        b"[0 0 1 1000]",  # 1 pt by 1000: a thread, not a page
        b"[0 0 0 792]",  # no width at all
    ],
)
def test_a_pdf_with_a_page_of_absurd_shape_is_refused_at_upload(mediabox: bytes) -> None:
    with pytest.raises(Invalid) as caught:
        checked_version(Upload("mong.pdf", raw_pdf(mediabox)), DocumentSettings())
    assert caught.value.code == "DOCUMENT_BROKEN"
    assert STATUS_OF_CODE["DOCUMENT_BROKEN"] == 422
    assert "Trang 1" in caught.value.message and "Page 1" in caught.value.message
    if mediabox != b"[0 0 0 792]":  # PDFium draws a box of no width as US Letter
        with pytest.raises(Invalid) as drawn:
            render_page(raw_pdf(mediabox), 1, width=MAX_WIDTH)
        assert drawn.value.code == "DOCUMENT_NOT_DRAWN"


@pytest.mark.parametrize(
    "mediabox",
    [
        b"[0 0 612 14400]",  # a web page saved as one long PDF page
        b"[0 0 14400 612]",  # a wide banner
        b"[0 0 20 1000]",  # a narrow strip, as long as the shapes go
        b"[0 0 14400 14400]",  # the largest page PDF allows
    ],
)
def test_a_long_real_page_is_accepted_and_drawn_within_the_pixel_bound(mediabox: bytes) -> None:
    pdf = raw_pdf(mediabox)
    assert checked_version(Upload("dai.pdf", pdf), DocumentSettings()).pages == 1
    width, height = size_of(render_page(pdf, 1, width=MAX_WIDTH))
    assert width * height <= MAX_PIXELS
    assert width <= MAX_WIDTH
    box = [float(v) for v in mediabox.strip(b"[]").split()]
    shape = (box[3] - box[1]) / (box[2] - box[0])
    assert abs(height / width - shape) / shape < 0.1  # the shape kept, only smaller
