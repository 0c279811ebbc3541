"""Reading an uploaded file with the configured size limit."""

from __future__ import annotations

from starlette.datastructures import UploadFile

from models.images import ImageTooLarge, UnreadableImage, format_bytes


def read_upload(file: UploadFile | None, *, max_bytes: int) -> bytes:
    if file is None:
        raise UnreadableImage("Thiếu tệp ảnh (trường 'file'). No image was sent (field 'file').")
    data = file.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageTooLarge(
            f"Ảnh vượt quá {format_bytes(max_bytes)}. The image exceeds {format_bytes(max_bytes)}."
        )
    return data
