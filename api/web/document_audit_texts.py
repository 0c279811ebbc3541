"""How the audit log pages name the documents' actions, in Vietnamese and English."""

from __future__ import annotations

DOCUMENT_AUDIT_TEXTS: dict[str, tuple[str, str]] = {
    "action_document_uploaded": ("Tải lên tài liệu", "Document uploaded"),
    "action_document_version_added": ("Thay phiên bản tài liệu", "Document version added"),
    "action_document_updated": ("Sửa thông tin tài liệu", "Document changed"),
    "action_documents_reordered": ("Sắp xếp lại tài liệu", "Documents reordered"),
    "action_document_deleted": ("Xóa tài liệu", "Document deleted"),
}
