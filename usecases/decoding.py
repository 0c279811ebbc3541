"""Decoding uploads with the configured limits: the server, the CLI and enrollment alike."""

from __future__ import annotations

from attendance.settings import Settings
from models.images import DecodeLimits, ImageDecoder


def decode_limits(settings: Settings) -> DecodeLimits:
    limits = settings.limits
    return DecodeLimits(
        max_bytes=limits.max_upload_bytes,
        max_pixels=limits.max_pixels,
        max_memory=limits.max_decode_bytes,
        max_side=limits.max_decode_side,
    )


def image_decoder(settings: Settings) -> ImageDecoder:
    return ImageDecoder(decode_limits(settings), concurrency=settings.limits.decode_concurrency)
