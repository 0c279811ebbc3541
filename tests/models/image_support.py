"""PNG files written by hand, a row at a time: huge images in a few kB without holding them."""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOR_TYPES = {"L": 0, "RGB": 2, "RGBA": 6}


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header(width: int, height: int, mode: str = "RGBA") -> bytes:
    """The signature and IHDR: all a decoder reads before it knows the image's size."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, COLOR_TYPES[mode], 0, 0, 0)
    return SIGNATURE + _chunk(b"IHDR", ihdr)


def png_without_pixels(width: int, height: int, mode: str = "RGBA") -> bytes:
    """A header that opens as an image, and an empty IDAT: any decode of it fails."""
    return png_header(width, height, mode) + _chunk(b"IDAT", b"") + _chunk(b"IEND", b"")


def flat_png(
    width: int, height: int, pixel: bytes = b"\x80\x90\xa0\xff", mode: str = "RGBA"
) -> bytes:
    """One colour all over; only one row of it is ever in memory here."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + pixel * width  # filter byte 0: the row as it is
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    return png_header(width, height, mode) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
