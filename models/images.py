"""Decoding uploaded images: formats, size and memory limits, the working size, EXIF
orientation, alpha, grayscale and CMYK."""

from __future__ import annotations

import io
import logging
import warnings
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from models.decode_slots import DecodeSlots, return_freed_memory
from models.image_strips import bytes_per_pixel, to_bgr, upright

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 15 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
# Pillow holds RGB and RGBA at 4 bytes a pixel: the default pixel limit's worth of either.
DEFAULT_MAX_MEMORY = 4 * DEFAULT_MAX_PIXELS
# Pillow's JPEG opener also reads MPO, the JPEG-with-a-preview that phones write. Nothing
# else: each further format is more parser code that anyone on the network can reach.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "BMP")
ORIENTATION = 0x0112
# Past this many bytes decoded, what the decode freed goes back to the OS at once.
TRIM_AFTER_BYTES = 32 * 1024 * 1024


def format_bytes(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 100_000 else f"{n_bytes / 1e3:.0f} kB"


def _pixels(count: float) -> str:
    return f"{count / 1e6:.1f} megapixel" if count >= 100_000 else f"{count:.0f} pixel"


class ImageRejected(Exception):
    """An image that cannot be used; `code` is machine-readable."""

    code = "UNREADABLE_IMAGE"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UnreadableImage(ImageRejected):
    code = "UNREADABLE_IMAGE"


class ImageTooLarge(ImageRejected):
    code = "IMAGE_TOO_LARGE"


MAX_SIDE_PX = 16_384  # no photo needs more; WebP's own limit is 16,383


@dataclass(frozen=True)
class DecodeLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_memory: int = DEFAULT_MAX_MEMORY  # bytes of the decoded image, known from its header
    max_side: int | None = None  # long side of the working image; None keeps the original's


@dataclass(frozen=True)
class DecodedImage:
    pixels: NDArray[np.uint8]  # upright BGR, long side at most the limits' max_side
    scale: float  # pixels of the original per pixel of `pixels` (1.0 when not reduced)

    def to_original(
        self, box: tuple[float, float, float, float]
    ) -> tuple[float, float, float, float]:
        x, y, width, height = box
        s = self.scale
        return x * s, y * s, width * s, height * s

    def to_working(
        self, box: tuple[float, float, float, float]
    ) -> tuple[float, float, float, float]:
        """A box in the upload's pixels, back in `pixels`' own."""
        x, y, width, height = box
        s = self.scale
        return x / s, y / s, width / s, height / s


class ImageDecoder:
    """Decodes uploads within its limits, a few at a time: each decode holds a full-size
    buffer for a moment, so its slots (a count and a shared memory budget) bound what
    decoding takes of the server's memory."""

    def __init__(self, limits: DecodeLimits, *, concurrency: int) -> None:
        self.limits = limits
        self.slots = DecodeSlots(count=concurrency, memory=limits.max_memory)

    def decode(self, data: bytes) -> DecodedImage:
        return decode_upright(data, self.limits, slots=self.slots)


def decode_image(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> NDArray[np.uint8]:
    """Return an upright BGR uint8 image at full size, or raise ImageRejected saying why."""
    return decode_upright(data, DecodeLimits(max_bytes=max_bytes, max_pixels=max_pixels)).pixels


def decode_upright(
    data: bytes, limits: DecodeLimits, *, slots: DecodeSlots | None = None
) -> DecodedImage:
    """Upright BGR at most `limits.max_side` long, or raise ImageRejected saying what is wrong.

    Nothing is decoded before the header says the image fits the limits; a JPEG is decoded
    at 1/2, 1/4 or 1/8 of its size when that still covers the working size."""
    if len(data) > limits.max_bytes:
        raise ImageTooLarge(
            f"Ảnh quá lớn ({format_bytes(len(data))}, tối đa {format_bytes(limits.max_bytes)}). "
            f"Image too large ({format_bytes(len(data))}, limit {format_bytes(limits.max_bytes)})."
        )
    if not data:
        raise UnreadableImage("Tệp ảnh rỗng. The image file is empty.")
    try:
        with warnings.catch_warnings():
            # We check the pixel count ourselves, before decoding, with our own limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
                return _decode(image, limits, slots)
    except ImageRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(
            f"Ảnh quá lớn, vượt giới hạn an toàn của bộ giải mã. "
            f"Image too large, past the decoder's safety limit: {exc}"
        ) from exc
    except UnidentifiedImageError as exc:
        raise UnreadableImage(
            "Không đọc được ảnh: chỉ nhận ảnh JPEG, PNG, WebP hoặc BMP (tệp này hỏng hoặc có "
            "định dạng khác). The image could not be read: only JPEG, PNG, WebP or BMP images "
            "are accepted (this file is corrupt or in another format)."
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableImage(
            "Không đọc được ảnh (tệp hỏng, bị cắt hoặc không phải ảnh JPEG/PNG/WebP/BMP). "
            f"The image could not be read (corrupt, truncated or not an image): {exc}"
        ) from exc


def _decode(image: Image.Image, limits: DecodeLimits, slots: DecodeSlots | None) -> DecodedImage:
    width, height = image.size
    if max(width, height) > MAX_SIDE_PX:
        # Resampling costs memory in proportion to a side's length, whatever the pixel
        # count: a 1 x 39,000,000 PNG of 70 bytes took 2.4 GB to scale down.
        raise ImageTooLarge(
            f"Ảnh quá lớn ({width}x{height}: một cạnh vượt {MAX_SIDE_PX} điểm ảnh). "
            f"Image too large ({width}x{height}: a side is longer than {MAX_SIDE_PX} pixels)."
        )
    if width * height > limits.max_pixels:
        raise ImageTooLarge(
            f"Ảnh quá lớn ({width}x{height} = {_pixels(width * height)}, "
            f"tối đa {_pixels(limits.max_pixels)}). Image too large ({width}x{height} = "
            f"{_pixels(width * height)}, limit {_pixels(limits.max_pixels)})."
        )
    size = working_size(image.size, limits.max_side)
    if size != image.size:
        image.draft("RGB", size)  # JPEG only; other formats ignore it
    needed = _check_memory(image, limits.max_memory)
    with slots.hold(needed) if slots is not None else nullcontext():
        image.load()
        orientation = image.getexif().get(ORIENTATION, 1)
        pixels = upright(to_bgr(image, size), orientation)
        image.close()  # the full-size buffer goes before the next decode may start
        if needed >= TRIM_AFTER_BYTES:
            return_freed_memory()
    return DecodedImage(pixels, scale=max(width, height) / max(pixels.shape[:2]))


def working_size(size: tuple[int, int], max_side: int | None) -> tuple[int, int]:
    width, height = size
    if max_side is None or max(width, height) <= max_side:
        return size
    factor = max_side / max(width, height)
    return max(1, round(width * factor)), max(1, round(height * factor))


def _check_memory(image: Image.Image, max_memory: int) -> int:
    width, height = image.size
    needed = width * height * bytes_per_pixel(image.mode)
    if image.format == "WEBP":
        needed *= 2  # libwebp hands Pillow a full copy, which Pillow copies into the image
    if needed > max_memory:
        raise ImageTooLarge(
            f"Ảnh cần quá nhiều bộ nhớ để giải mã ({width}x{height} {image.mode}: "
            f"{format_bytes(needed)}, tối đa {format_bytes(max_memory)}). The image needs too "
            f"much memory to decode ({width}x{height} {image.mode}: {format_bytes(needed)}, "
            f"limit {format_bytes(max_memory)})."
        )
    return needed
