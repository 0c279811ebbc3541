"""What an uploaded file is, told by its bytes (never by its name), and a file name made safe
to keep and to send back."""

from __future__ import annotations

import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass

from attendance.errors import Invalid

logger = logging.getLogger(__name__)

# The kinds kept, with the media type a download is sent with.
KINDS: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "jpeg": ".jpg", "png": ".png"}
ACCEPTED = "PDF, DOCX, XLSX, JPEG, PNG"
MAX_FILENAME = 255  # the column's size, and most file systems' limit
# [Content_Types].xml is a few kilobytes; one larger than this is not read (a ZIP bomb would
# be decompressed by reading it).
MAX_CONTENT_TYPES = 256 * 1024
# The extensions a file of each kind may keep; any other is followed by the kind's own.
OWN_EXTENSIONS = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
}


@dataclass(frozen=True)
class Sniffed:
    kind: str
    pages: int | None  # a PDF's


def sniff(data: bytes, *, max_pdf_pages: int) -> Sniffed:
    """The kind of these bytes (and a PDF's page count), or the reason they are refused."""
    if not data:
        raise Invalid("Tệp rỗng (0 byte). The file is empty (0 bytes).", code="DOCUMENT_EMPTY")
    # At byte 0 only: readers accept the header anywhere in the first kilobyte, so a file
    # can be a program (MZ...), a web page or an SVG before it and a PDF after (a polyglot).
    if data.startswith(b"%PDF-"):
        return Sniffed("pdf", _pdf_pages(data, max_pdf_pages=max_pdf_pages))
    if data.startswith(b"PK\x03\x04"):
        return Sniffed(_office_kind(data), None)
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("jpeg", None)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("png", None)
    raise _not_accepted()


def _not_accepted() -> Invalid:
    return Invalid(
        f"Loại tệp không được chấp nhận: chỉ nhận {ACCEPTED} (xét theo nội dung tệp, không "
        f"theo tên tệp). This type of file is not accepted: only {ACCEPTED} (told by the "
        "file's content, not its name).",
        code="DOCUMENT_TYPE",
    )


def _pdf_pages(data: bytes, *, max_pdf_pages: int) -> int:
    from pypdf import PdfReader  # a second to import: only when a PDF comes

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = None if encrypted else len(reader.pages)
    except Exception as error:  # pypdf raises many kinds on a broken file
        logger.info("a PDF upload could not be parsed: %s", type(error).__name__)
        raise Invalid(
            "Không đọc được tệp PDF này (tệp bị hỏng hoặc tải lên chưa hết). Hãy mở thử tệp "
            "trên máy tính, lưu lại thành PDF rồi tải lên lại. This PDF cannot be read (it is "
            "damaged or was not uploaded whole). Open it on a computer, save it again as PDF "
            "and upload it again.",
            code="DOCUMENT_BROKEN",
        ) from None
    if encrypted or pages is None:
        raise Invalid(
            "Tệp PDF này được đặt mật khẩu (mã hoá): đại biểu sẽ không mở được. Hãy lưu lại "
            "bản không mật khẩu rồi tải lên. This PDF is password-protected (encrypted): "
            "delegates could not open it. Save a copy without a password and upload that.",
            code="DOCUMENT_BROKEN",
        )
    if pages < 1:
        raise Invalid(
            "Tệp PDF này không có trang nào. This PDF has no pages.", code="DOCUMENT_BROKEN"
        )
    if pages > max_pdf_pages:
        raise Invalid(
            f"Tệp PDF có {pages} trang, nhiều hơn mức cho phép ({max_pdf_pages} trang): hãy "
            f"tách thành nhiều tệp. The PDF has {pages} pages, more than the {max_pdf_pages} "
            "allowed: split it into several files.",
            code="DOCUMENT_TOO_LARGE",
        )
    return pages


def _office_kind(data: bytes) -> str:
    """A DOCX or an XLSX: a ZIP whose part names (and content types) say which. Only the
    central directory and the small [Content_Types].xml are read, never the other parts."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            types = b""
            info = _entry(archive, "[Content_Types].xml")
            if info is not None and info.file_size <= MAX_CONTENT_TYPES:
                types = archive.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise Invalid(
            "Tệp có dạng ZIP (DOCX/XLSX) nhưng bị hỏng hoặc tải lên chưa hết: hãy mở thử trên "
            "máy tính, lưu lại rồi tải lên lại. The file is a ZIP (DOCX/XLSX) but is damaged or "
            "was not uploaded whole: open it on a computer, save it again and upload it again.",
            code="DOCUMENT_BROKEN",
        ) from None
    if "word/document.xml" in names or b"wordprocessingml.document.main+xml" in types:
        return "docx"
    if "xl/workbook.xml" in names or b"spreadsheetml.sheet.main+xml" in types:
        return "xlsx"
    raise _not_accepted()  # a plain ZIP, an ODT, a PPTX...


def _entry(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    try:
        return archive.getinfo(name)
    except KeyError:
        return None


# Direction overrides and other invisible format characters make a name show as another.
_FORMAT = frozenset(["Cf", "Cc", "Cs", "Cn", "Zl", "Zp"])


def clean_filename(raw: str, *, kind: str) -> str:
    """The name as uploaded, safe to store and to send back: the last path part only (a
    browser may send C:\\Users\\...\\x.pdf), control and invisible characters removed, NFC
    (Vietnamese kept), ending in the kind's extension (a PDF sent as 'x.exe' is 'x.exe.pdf':
    a phone never saves it as a program or a web page), at most 255 characters with the
    extension kept. Empty: 'tai-lieu' with the kind's extension."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _FORMAT)
    name = " ".join(unicodedata.normalize("NFC", name).split()).strip(" .")
    if not name:
        name = "tai-lieu" + EXTENSIONS[kind]
    name = with_extension(name, kind)
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_FILENAME - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_FILENAME]
    return name


def with_extension(name: str, kind: str) -> str:
    """The name, ending in one of the kind's extensions ('x.exe' of a PDF: 'x.exe.pdf')."""
    if name.lower().endswith(OWN_EXTENSIONS[kind]):
        return name
    return name + EXTENSIONS[kind]
