"""The phone page's "Tài liệu" tab (api/vote_page.py), in both languages."""

from __future__ import annotations

# key: (Vietnamese, English). The keys start with "phone_": they never meet a key of the
# voting page's own table, nor of the staff pages' tables.
VOTE_DOCUMENT_TEXTS: dict[str, tuple[str, str]] = {
    "phone_docs_tab_vote": ("Biểu quyết", "Voting"),
    "phone_docs_tab_documents": ("Tài liệu", "Documents"),
    "phone_docs_loading": ("Đang tải danh sách tài liệu…", "Loading the documents…"),
    "phone_docs_meeting": ("Tài liệu chung của cuộc họp", "Documents of the whole meeting"),
    "phone_docs_none": ("Cuộc họp chưa có tài liệu nào.", "This meeting has no documents yet."),
    "phone_docs_item_none": ("Chưa có tài liệu.", "No documents."),
    "phone_docs_pages": ("{n} trang", "{n} pages"),
    "phone_docs_one_page": ("1 trang", "1 page"),
    "phone_docs_read": ("Xem", "Read"),
    "phone_docs_download": ("Tải về", "Download"),
    "phone_docs_downloading": ("Đang tải về…", "Downloading…"),
    "phone_docs_downloaded": ("Đã tải về: {name}", "Downloaded: {name}"),
    "phone_docs_back": ("← Danh sách tài liệu", "← All documents"),
    "phone_docs_page_of": ("Trang {n}/{total}", "Page {n}/{total}"),
    "phone_docs_page_loading": ("Đang tải trang {n}…", "Loading page {n}…"),
    "phone_docs_retry": ("Thử lại", "Try again"),
    "phone_docs_version": ("bản {n}", "version {n}"),
    "phone_docs_watermark": (
        "Bản của đồng chí mang tên đồng chí trên mỗi trang.",
        "Your copy carries your name on every page.",
    ),
}

# Errors read in both languages whichever the page shows (the delegate may have switched by
# mistake): the page's own language first.
VOTE_DOCUMENT_ERRORS: dict[str, tuple[str, str]] = {
    "phone_docs_error_network": (
        "Không kết nối được máy chủ: kiểm tra mạng (Wi-Fi, 4G) rồi bấm Thử lại.",
        "Cannot reach the server: check the network (Wi-Fi, 4G), then press Try again.",
    ),
    "phone_docs_error_missing": (
        "Không tìm thấy tài liệu này: có thể thư ký vừa gỡ hoặc thay nó. Danh sách đã được "
        "tải lại.",
        "This document was not found: the secretary may have just removed or replaced it. "
        "The list was loaded again.",
    ),
    "phone_docs_error_revoked": (
        "Liên kết của đồng chí không còn hiệu lực (đã được thay hoặc thu hồi). Xin thư ký cấp "
        "lại liên kết.",
        "Your link is no longer valid (it was replaced or revoked). Ask the secretary for a "
        "new one.",
    ),
    "phone_docs_error_server": (
        "Máy chủ đang gặp lỗi (HTTP {status}). Xin thử lại sau ít phút.",
        "The server had an error (HTTP {status}). Please try again in a few minutes.",
    ),
    "phone_docs_error_page": (
        "Không hiển thị được trang {n}.",
        "Page {n} could not be shown.",
    ),
}


def vote_document_texts(lang: str) -> dict[str, str]:
    """The tab's texts in `lang` ("vi" or "en"), errors in both languages."""
    first = 0 if lang == "vi" else 1
    texts = {key: pair[first] for key, pair in VOTE_DOCUMENT_TEXTS.items()}
    for key, pair in VOTE_DOCUMENT_ERRORS.items():
        texts[key] = f"{pair[first]} / {pair[1 - first]}"
    return texts
