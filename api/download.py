"""File downloads: a Content-Disposition that keeps a Vietnamese file name intact."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Response

from attendance.exports.service import ExportFile


def content_disposition(filename: str, ascii_filename: str, *, kind: str = "attachment") -> str:
    """RFC 6266: an ASCII `filename` for old clients, `filename*` (RFC 5987) in UTF-8.
    `kind`: "attachment" (saved) or "inline" (shown in the browser)."""
    fallback = ascii_filename.replace("\\", "_").replace('"', "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(exported: ExportFile) -> Response:
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={
            "Content-Disposition": content_disposition(exported.filename, exported.ascii_filename),
            # Names and arrival times: personal data that no shared cache should keep.
            "Cache-Control": "no-store",
        },
    )
