"""What a delegate's reading of a meeting document costs the server: stamping a PDF with
their name (attendance/documents/watermark.py) and drawing its pages as PNG images for the
phone page (attendance/documents/pages.py), per page, with each phase's peak memory.

Two PDFs made with fpdf2: a 20-page A4 text (a draft resolution, Vietnamese, embedded font)
and a 20-page scan (each page an A4 JPEG at 300 dpi made from a real photo under
../shared/faces/people, as a copier makes them). Each phase runs in a forked process of its
own, so its peak resident memory (ru_maxrss, which sees PDFium's own allocations too) is its
own; the figure given is the peak above that of a forked process that does nothing.

    PYTHONPATH=. .venv/bin/python -m bench.documents [--pages 20] [--repeats 3]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import pypdf
import pypdfium2
from PIL import Image, ImageOps

from attendance.documents.pages import PageImages, render_page
from attendance.documents.watermark import _draw, stamp, stamp_page
from attendance.exports.pdf_document import ReportPdf

FACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces" / "people"
LINES = ["Nguyễn Thị Hồng Ngọc", "14:30 ngày 07/12/2026"]
A4_300DPI = (2480, 3508)
WIDTHS = (320, 800, 1600)


def text_pdf(pages: int) -> bytes:
    document = ReportPdf(title="Dự thảo nghị quyết")
    for page in range(1, pages + 1):
        document.add_page()
        document.heading(f"Phần {page}. Nội dung trình kỳ họp")
        for line in range(1, 34):
            document.line_of_text(
                f"Điều {line}. Ủy ban nhân dân quận tổ chức thực hiện nghị quyết."
            )
    return bytes(document.output())


def scanned_pdf(pages: int, folder: Path) -> bytes:
    photos = sorted(folder.glob("*/*.jpg"))
    if not photos:
        raise SystemExit(f"no photos under {folder}: the scan is made from them")
    document = ReportPdf(title="Bản quét")
    with tempfile.TemporaryDirectory() as temp:
        for page in range(pages):
            with Image.open(photos[page % len(photos)]) as photo:
                sheet = Image.new("RGB", A4_300DPI, "white")
                # Scaled up to the sheet within a margin: a full page of picture, as a
                # photographed handout comes out of the copier.
                inner = (A4_300DPI[0] - 300, A4_300DPI[1] - 300)
                sheet.paste(ImageOps.contain(photo.convert("RGB"), inner), (150, 150))
            path = Path(temp) / f"scan-{page}.jpg"
            sheet.save(path, quality=80)
            document.add_page()
            document.image(str(path), x=0, y=0, w=document.w, h=document.h)
    return bytes(document.output())


def timed(action: Callable[[], object], repeats: int, *, cold: bool = False) -> float:
    """Median seconds of `repeats` runs; `cold`: the drawn stamps forgotten before each."""
    runs = []
    for _ in range(repeats):
        if cold:
            _draw.cache_clear()
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def in_child(phase: Callable[[], dict[str, float]]) -> dict[str, float]:
    """The phase's figures, and its peak RSS in MB, from a forked process of its own."""
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)

    def run(out: Connection) -> None:
        figures = phase()
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.send(figures)

    child = multiprocessing.get_context("fork").Process(target=run, args=(send,))
    child.start()
    figures: dict[str, float] = receive.recv()
    child.join()
    return figures


def phases(pdf: bytes, pages: int, repeats: int) -> dict[str, Callable[[], dict[str, float]]]:
    def whole() -> dict[str, float]:
        seconds = timed(lambda: stamp(pdf, lines=LINES), repeats, cold=True)
        return {"ms_per_page": seconds * 1000 / pages, "ms": seconds * 1000}

    def one_page(cold: bool) -> Callable[[], dict[str, float]]:
        def one() -> dict[str, float]:
            middle = pages // 2
            seconds = timed(lambda: stamp_page(pdf, middle, lines=LINES), repeats, cold=cold)
            return {"ms": seconds * 1000}

        return one

    def drawn(width: int) -> Callable[[], dict[str, float]]:
        def draw() -> dict[str, float]:
            sizes: list[int] = []

            def every_page() -> None:
                sizes.clear()
                sizes.extend(len(render_page(pdf, n, width=width)) for n in range(1, pages + 1))

            seconds = timed(every_page, repeats)
            return {"ms_per_page": seconds * 1000 / pages, "kb_per_page": sum(sizes) / pages / 1024}

        return draw

    def delegate() -> dict[str, float]:
        middle = pages // 2
        seconds = timed(
            lambda: render_page(stamp_page(pdf, middle, lines=LINES), 1, width=800),
            repeats,
            cold=True,
        )
        return {"ms": seconds * 1000}

    def cached() -> dict[str, float]:
        cache = PageImages()
        key = ("sha", 1, 800)
        cache.put(key, render_page(pdf, 1, width=800))
        return {"ms": timed(lambda: cache.get(key), repeats * 1000) * 1000, "us": 1}

    found: dict[str, Callable[[], dict[str, float]]] = {
        "stamp, whole PDF": whole,
        "stamp, one page alone (stamp drawn)": one_page(cold=True),
        "stamp, one page alone (same lines again)": one_page(cold=False),
    }
    for width in WIDTHS:
        found[f"draw, {width} px"] = drawn(width)
    found["delegate's page (stamp one, stamp drawn, + draw at 800 px)"] = delegate
    found["stored page from the cache (800 px)"] = cached
    return found


def cells(figures: dict[str, float], idle: float) -> list[str]:
    """ms per page, ms (µs for the cache), kB per image, peak MB above an idle process."""
    per_page, whole, size = (figures.get(k) for k in ("ms_per_page", "ms", "kb_per_page"))
    if whole is None:
        total = ""
    elif "us" in figures:
        total = f"{whole * 1000:.1f} µs"
    else:
        total = f"{whole:.0f}"
    return [
        "" if per_page is None else f"{per_page:.1f}",
        total,
        "" if size is None else f"{size:.0f}",
        f"{figures['peak_mb'] - idle:.0f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--faces", type=Path, default=FACES)
    args = parser.parse_args()

    print(
        f"Python {platform.python_version()}, pypdf {pypdf.__version__}, "
        f"pypdfium2 {pypdfium2.version.PYPDFIUM_INFO} (PDFium {pypdfium2.version.PDFIUM_INFO}), "
        f"{os.cpu_count()} CPUs, load average before {os.getloadavg()[0]:.2f}"
    )
    for name, pdf in (
        ("text", text_pdf(args.pages)),
        ("scan", scanned_pdf(args.pages, args.faces)),
    ):
        count = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        stamped = stamp(pdf, lines=LINES)
        print(
            f"\n{name}: {count} pages, {len(pdf) / 1024:.0f} kB; "
            f"stamped copy {len(stamped) / 1024:.0f} kB"
        )
        print("| phase | ms per page | ms | kB per image | peak RSS above idle (MB) |")
        print("|---|---:|---:|---:|---:|")
        for phase, action in phases(pdf, count, args.repeats).items():
            # A child's peak counts what it shares with this process at the fork: an idle
            # child forked from the same state is the floor each phase is measured from.
            idle = in_child(lambda: {})["peak_mb"]
            figures = in_child(action)
            print(f"| {phase} | " + " | ".join(cells(figures, idle)) + " |")
    print(f"\nload average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
