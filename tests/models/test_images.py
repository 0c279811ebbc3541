"""Decoding uploads: alpha, grayscale, EXIF rotation and CMYK come out upright BGR; bad and
oversized files are refused with a message."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageFile

from models.images import ImageTooLarge, UnreadableImage, decode_image
from models.packs import FacePipeline
from models.types import DetectedFace

Matcher = Callable[..., list[int]]
BORDER = 40  # px of transparent frame in the RGBA case; t1's faces lie farther in
ORIENTATION = 0x0112


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def with_orientation(upright: Image.Image, orientation: int) -> bytes:
    """A JPEG whose pixels are stored turned, with the EXIF tag that turns them back."""
    stored = {
        6: Image.Transpose.ROTATE_90,  # tag 6: the viewer turns it 90 degrees clockwise
        8: Image.Transpose.ROTATE_270,  # tag 8: 90 degrees counter-clockwise
    }[orientation]
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return encode(upright.transpose(stored), "JPEG", quality=95, exif=exif)


def with_transparent_border(upright: Image.Image) -> bytes:
    rgba = upright.convert("RGBA")
    alpha = Image.new("L", rgba.size, 0)
    alpha.paste(255, (BORDER, BORDER, rgba.width - BORDER, rgba.height - BORDER))
    rgba.putalpha(alpha)
    return encode(rgba, "PNG")


@pytest.fixture(scope="module")
def t1_pil(t1_bytes: bytes) -> Image.Image:
    return Image.open(io.BytesIO(t1_bytes)).convert("RGB")


VARIANTS: dict[str, Callable[[Image.Image], bytes]] = {
    "png-rgba-transparent-border": with_transparent_border,
    "jpeg-grayscale": lambda im: encode(im.convert("L"), "JPEG", quality=95),
    "jpeg-exif-orientation-6": lambda im: with_orientation(im, 6),
    "jpeg-exif-orientation-8": lambda im: with_orientation(im, 8),
    "jpeg-cmyk": lambda im: encode(im.convert("CMYK"), "JPEG", quality=95),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_decoded_variant_is_upright_bgr_with_the_same_six_faces(
    variant: str,
    t1_pil: Image.Image,
    t1_bgr: NDArray[np.uint8],
    t1_faces: list[DetectedFace],
    t1_embeddings: NDArray[np.float32],
    pipeline: FacePipeline,
    threshold: float,
    match_faces: Matcher,
) -> None:
    data = VARIANTS[variant](t1_pil)
    if variant == "jpeg-cmyk":
        assert Image.open(io.BytesIO(data)).mode == "CMYK"
    decoded = decode_image(data)
    assert decoded.dtype == np.uint8 and decoded.shape == t1_bgr.shape

    if variant == "png-rgba-transparent-border":
        inner = (slice(BORDER, -BORDER), slice(BORDER, -BORDER))
        assert np.array_equal(decoded[inner], t1_bgr[inner])
        frame = decoded.copy()
        frame[inner] = 255
        assert np.all(frame == 255), "transparent pixels must turn white"
    else:
        expected = np.asarray(t1_bgr, np.int16)
        if variant == "jpeg-grayscale":
            gray = cv2.cvtColor(t1_bgr, cv2.COLOR_BGR2GRAY)
            expected = np.repeat(np.asarray(gray, np.int16)[..., None], 3, axis=2)
        # Measured mean difference (JPEG re-encoding): 0.08 to 0.83 grey levels. A turned,
        # mirrored or colour-inverted result would be off by tens.
        assert np.abs(decoded.astype(np.int16) - expected).mean() < 2

    faces = pipeline.detect(decoded)
    assert len(faces) == 6
    order = match_faces(faces, t1_faces)
    same = np.sum(t1_embeddings * pipeline.embed(decoded, [faces[i] for i in order]), axis=1)
    # Measured lowest cosine to the original: grayscale 0.86, RGBA 0.93 (the white frame
    # moves the landmarks of the face nearest the edge), EXIF-turned 0.996, CMYK 0.999.
    assert np.all(same > threshold), same


def test_empty_bytes_are_unreadable() -> None:
    with pytest.raises(UnreadableImage, match="empty") as caught:
        decode_image(b"")
    assert caught.value.code == "UNREADABLE_IMAGE"


def test_a_text_file_is_unreadable() -> None:
    with pytest.raises(UnreadableImage, match="could not be read"):
        decode_image(b"name,arrived\nAn,09:01\n")


def test_a_jpeg_cut_short_is_unreadable(t1_bytes: bytes) -> None:
    # Pillow fills in a cut-off JPEG (grey below the cut) only when someone sets the global
    # ImageFile.LOAD_TRUNCATED_IMAGES; nothing in this project does, and decode_image relies
    # on that to refuse half-uploaded photos rather than enrol a half-grey face.
    assert not ImageFile.LOAD_TRUNCATED_IMAGES, "decode_image would accept cut-off uploads"
    with pytest.raises(UnreadableImage, match="truncated"):
        decode_image(t1_bytes[: int(len(t1_bytes) * 0.4)])


def test_sixty_megapixels_are_too_large_before_decoding() -> None:
    # Bilevel and constant: 7746 x 7746 px in about 22 kB, and under 8 MB while built.
    data = encode(Image.new("1", (7746, 7746), 1), "PNG")
    with pytest.raises(ImageTooLarge, match=r"7746x7746 = 60\.0 megapixel") as caught:
        decode_image(data)
    assert caught.value.code == "IMAGE_TOO_LARGE"


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds almost nothing: what an attacker sends."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 6, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 5))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("width", "height"), [(1, 39_000_000), (39_000_000, 1), (20_000, 100)])
def test_a_side_longer_than_any_photo_is_too_large_before_decoding(width: int, height: int) -> None:
    # Under the pixel and memory limits, but scaling it down would take gigabytes.
    with pytest.raises(ImageTooLarge, match="16384") as caught:
        decode_image(png_header_only(width, height))
    assert caught.value.code == "IMAGE_TOO_LARGE"


def test_pixel_limit_is_the_callers(t1_bytes: bytes) -> None:
    with pytest.raises(ImageTooLarge, match="1280x886"):
        decode_image(t1_bytes, max_pixels=1_000_000)
    assert decode_image(t1_bytes, max_pixels=1280 * 886).shape == (886, 1280, 3)


def test_too_many_bytes_are_too_large(t1_bytes: bytes) -> None:
    with pytest.raises(ImageTooLarge, match="MB"):
        decode_image(t1_bytes, max_bytes=len(t1_bytes) - 1)
    assert decode_image(t1_bytes, max_bytes=len(t1_bytes)).shape == (886, 1280, 3)


OTHER_FORMATS = {
    # Each opens in Pillow; none is a photo format a phone or camera sends.
    "TGA": {},
    "TIFF": {},
    "GIF": {},
    "ICO": {"sizes": [(64, 64)]},
    "PPM": {},
    "PCX": {},
    "EPS": {},
}


@pytest.mark.parametrize("fmt", sorted(OTHER_FORMATS))
def test_formats_other_than_jpeg_png_webp_bmp_are_refused_naming_those(fmt: str) -> None:
    image = Image.new("RGB", (64, 64), (200, 120, 40))
    data = encode(image, fmt, **OTHER_FORMATS[fmt])
    assert Image.open(io.BytesIO(data)).format == fmt
    with pytest.raises(UnreadableImage, match="only JPEG, PNG, WebP or BMP") as caught:
        decode_image(data)
    assert "chỉ nhận ảnh JPEG, PNG, WebP hoặc BMP" in caught.value.detail


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP", "MPO"])
def test_jpeg_png_webp_bmp_and_phone_mpo_are_read(fmt: str) -> None:
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    options: dict[str, Any] = {"quality": 95} if fmt in ("JPEG", "MPO", "WEBP") else {}
    if fmt == "MPO":  # a photo and its preview, as phones write them
        options |= {"save_all": True, "append_images": [image.resize((32, 24))]}
    data = encode(image, fmt, **options)
    assert Image.open(io.BytesIO(data)).format == fmt
    decoded = decode_image(data)
    assert decoded.shape == (48, 64, 3)
    assert np.abs(decoded.astype(np.int16) - (40, 120, 200)).max() < 8
