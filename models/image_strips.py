"""A decoded image to BGR at its working size, a strip at a time, and turned upright."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PIL import Image

# Converting a strip of about a megapixel costs a few MB; the whole image at once would
# cost two or three more full-size copies (alpha over white, RGB, the array).
STRIP_PIXELS = 1 << 20
RESAMPLE = Image.Resampling.BICUBIC
RESAMPLE_SUPPORT = 2  # bicubic reaches 2 source pixels each side, times the reduction
INTEGER_MODES = ("I", "I;16", "I;16L", "I;16B", "I;16N", "F")
RESIZABLE_MODES = ("L", "LA", "RGB", "RGBA", "CMYK")  # Pillow resizes P and 1 by nearest pixel


def bytes_per_pixel(mode: str) -> int:
    """What Pillow holds per pixel in memory (RGB is padded to 4 bytes)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def to_bgr(image: Image.Image, size: tuple[int, int]) -> NDArray[np.uint8]:
    """The loaded image as BGR uint8, resized to `size` (width, height) if it differs."""
    width, height = image.size
    out_width, out_height = size
    out = np.empty((out_height, out_width, 3), dtype=np.uint8)
    resized = size != image.size
    # Enough source rows beyond each strip that the filter sees what a whole-image resize
    # would, so the strips join without seams.
    margin = math.ceil(RESAMPLE_SUPPORT * height / out_height) + 2 if resized else 0
    levels = _levels(image)
    rows = max(1, STRIP_PIXELS // max(width, out_width))
    for top in range(0, out_height, rows):
        bottom = min(out_height, top + rows)
        source_top, source_bottom = top * height / out_height, bottom * height / out_height
        crop_top = max(0, math.floor(source_top) - margin)
        crop_bottom = min(height, math.ceil(source_bottom) + margin)
        strip = image.crop((0, crop_top, width, crop_bottom))
        if resized:
            # Resized before conversion where Pillow can (it weighs by alpha): conversion then
            # touches the smaller strip.
            if strip.mode not in RESIZABLE_MODES:
                strip = _to_rgb(strip, levels)
            box = (0.0, source_top - crop_top, float(width), source_bottom - crop_top)
            strip = strip.resize((out_width, bottom - top), RESAMPLE, box=box)
        out[top:bottom] = np.asarray(_to_rgb(strip, levels))[..., ::-1]
    return out


def upright(pixels: NDArray[np.uint8], orientation: int) -> NDArray[np.uint8]:
    """Turn as the EXIF orientation tag says (what ImageOps.exif_transpose does)."""
    turned = {
        2: lambda p: p[:, ::-1],  # mirrored
        3: lambda p: p[::-1, ::-1],  # upside down
        4: lambda p: p[::-1],
        5: lambda p: p.transpose(1, 0, 2),
        6: lambda p: np.rot90(p, -1),  # the viewer turns it 90 degrees clockwise
        7: lambda p: np.rot90(p, 2).transpose(1, 0, 2),
        8: lambda p: np.rot90(p, 1),
    }.get(orientation)
    return pixels if turned is None else np.ascontiguousarray(turned(pixels))


def _levels(image: Image.Image) -> tuple[float, float] | None:
    if image.mode not in INTEGER_MODES:
        return None
    low, high = image.getextrema()
    assert isinstance(low, int | float) and isinstance(high, int | float)
    return float(low), float(high)


def _to_rgb(image: Image.Image, levels: tuple[float, float] | None) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels become white, as a viewer shows them, not black.
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, (0, 0), rgba)
        return background
    if image.mode in INTEGER_MODES:
        # Stretched by the whole image's range, not the strip's, so the strips agree.
        low, high = levels if levels is not None else (0.0, 255.0)
        array = np.asarray(image, dtype=np.float32)
        scaled = np.clip(255 * (array - low) / max(1.0, float(high - low)), 0, 255)
        return Image.fromarray(scaled.astype(np.uint8)).convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")
