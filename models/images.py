"""Decoding uploaded images: size limits, EXIF orientation, alpha, grayscale and CMYK."""

from __future__ import annotations

import io
import warnings

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MAX_BYTES = 15 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000


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


def decode_image(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> NDArray[np.uint8]:
    """Return an upright BGR uint8 image, or raise ImageRejected saying what is wrong."""
    if len(data) > max_bytes:
        raise ImageTooLarge(
            f"Ảnh quá lớn ({format_bytes(len(data))}, tối đa {format_bytes(max_bytes)}). "
            f"Image too large ({format_bytes(len(data))}, limit {format_bytes(max_bytes)})."
        )
    if not data:
        raise UnreadableImage("Tệp ảnh rỗng. The image file is empty.")
    try:
        with warnings.catch_warnings():
            # We check the pixel count ourselves, before decoding, with our own limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise ImageTooLarge(
                    f"Ảnh quá lớn ({width}x{height} = {_pixels(width * height)}, "
                    f"tối đa {_pixels(max_pixels)}). Image too large ({width}x{height} = "
                    f"{_pixels(width * height)}, limit {_pixels(max_pixels)})."
                )
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            rgb = _to_rgb(upright)
    except ImageRejected:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise UnreadableImage(
            "Không đọc được ảnh (tệp hỏng, bị cắt hoặc không phải ảnh JPEG/PNG/WebP/BMP). "
            f"The image could not be read (corrupt, truncated or not an image): {exc}"
        ) from exc
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8)[..., ::-1])


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels become white, as a viewer shows them, not black.
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode == "I;16" or image.mode == "I":
        array = np.asarray(image, dtype=np.float32)
        scaled = 255 * (array - array.min()) / max(1.0, float(array.max() - array.min()))
        return Image.fromarray(scaled.astype(np.uint8)).convert("RGB")
    return image.convert("RGB")
