"""Texts of the documents' place in operations: the room's board's public documents, and
what deleting a meeting takes with it. Vietnamese and English."""

from __future__ import annotations

DOCUMENTS_OPS_TEXTS: dict[str, tuple[str, str]] = {
    "gone_documents": (
        "{count} tài liệu (mọi phiên bản, tệp và lượt đọc)",
        "{count} documents (every version, file and read)",
    ),
    "gone_notice_draft": (
        "bản nháp thông báo kết luận và các kết luận đã ghi (nếu có)",
        "the conclusion notice's draft and the conclusions written (if any)",
    ),
    "board_documents": ("Tài liệu công khai", "Public documents"),
}
