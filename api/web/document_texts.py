"""Visible strings of the secretary's documents pages, in Vietnamese and English."""

from __future__ import annotations

DOCUMENT_TEXTS: dict[str, tuple[str, str]] = {
    "docs_heading": ("Tài liệu", "Documents"),
    "docs_link": ("Tài liệu", "Documents"),
    "docs_none": ("Cuộc họp chưa có tài liệu.", "This meeting has no documents yet."),
    "docs_group_meeting": ("Tài liệu chung của cuộc họp", "The meeting as a whole"),
    "docs_group_item": ("Nội dung {position}: {title}", "Item {position}: {title}"),
    "docs_title": ("Tên tài liệu", "Document title"),
    "docs_file": ("Tệp", "File"),
    "docs_kind": ("Loại", "Kind"),
    "docs_size": ("Dung lượng", "Size"),
    "docs_pages_n": ("{n} trang", "{n} pages"),
    "docs_version": ("Bản", "Version"),
    "docs_version_n": ("bản {number}", "version {number}"),
    "docs_visibility": ("Ai được xem", "Who may read"),
    "docs_members": ("Chỉ đại biểu", "Members only"),
    "docs_public": ("Công khai (cả màn hình phòng họp)", "Public (also the room's board)"),
    "docs_watermark": ("Đóng dấu tên người đọc", "Reader's name stamped"),
    "docs_watermark_field": (
        "Đóng dấu tên và thời gian lên từng trang bản của mỗi đại biểu (chỉ với PDF)",
        "Stamp each delegate's copy with their name and the time on every page (PDF only)",
    ),
    "docs_agenda_item": ("Thuộc nội dung", "Agenda item"),
    "docs_agenda_none": ("Chung cho cả cuộc họp", "The meeting as a whole"),
    "docs_uploaded": ("Tải lên", "Uploaded"),
    "docs_uploaded_by": ("{at}, {who}", "{at}, by {who}"),
    "docs_open": ("Mở", "Open"),
    "docs_download": ("Tải về", "Download"),
    "docs_move_up": ("Lên", "Move up"),
    "docs_move_down": ("Xuống", "Move down"),
    "docs_new_version": ("Thay bản mới", "Upload new version"),
    "docs_new_version_hint": (
        "Bản mới thay bản đang hiển thị; các bản cũ vẫn được giữ cho cán bộ xem lại.",
        "The new file replaces the one shown; earlier versions stay listed for staff.",
    ),
    "docs_remove": ("Xóa", "Remove"),
    "docs_remove_confirm": (
        "Xóa tài liệu này cùng mọi bản của nó? Đại biểu sẽ không xem được nữa.",
        "Remove this document and all its versions? Delegates will no longer see it.",
    ),
    "docs_change": ("Sửa thông tin", "Edit details"),
    "docs_earlier": ("Các bản trước", "Earlier versions"),
    "docs_reads": ("Ai đã đọc", "Who read it"),
    "docs_reads_of": ("Ai đã đọc: {title}", "Who read it: {title}"),
    "docs_reads_none": ("Chưa có đại biểu nào đọc tài liệu này.", "No delegate has read it yet."),
    "docs_reads_hint": (
        "Mỗi lần đại biểu tải tệp hoặc xem trang trên điện thoại đều được ghi lại.",
        "Every time a delegate downloads the file or views its pages on a phone is recorded.",
    ),
    "docs_reader": ("Người đọc", "Reader"),
    "docs_read_at": ("Thời gian", "When"),
    "docs_read_how": ("Cách đọc", "How"),
    "docs_read_file": ("Tải tệp", "File"),
    "docs_read_view": ("Xem trang", "Pages viewed"),
    "docs_via_staff": ("Cán bộ", "Staff"),
    "docs_via_voting_link": ("Liên kết đại biểu", "Delegate's link"),
    "docs_via_board": ("Màn hình phòng họp", "Room's board"),
    "docs_back": ("Về danh sách tài liệu", "Back to the documents"),
    "docs_upload": ("Thêm tài liệu", "Add a document"),
    "docs_upload_button": ("Tải lên", "Upload"),
    "docs_limits": (
        "PDF, DOCX, XLSX, JPEG hoặc PNG (loại tệp được kiểm tra theo nội dung). Tối đa "
        "{file} một tệp, {meeting} cho mọi tệp của cuộc họp (đã dùng {used}); PDF tối đa "
        "{pages} trang.",
        "PDF, DOCX, XLSX, JPEG or PNG (the type is checked by content). At most {file} a "
        "file and {meeting} for all of the meeting's files ({used} used); a PDF at most "
        "{pages} pages.",
    ),
    "docs_title_hint": (
        "Để trống thì lấy tên tệp.",
        "Left empty, the file's name is used.",
    ),
    "docs_staff_only": (
        "Cán bộ có quyền xem cuộc họp thấy mọi tài liệu và mọi bản.",
        "Staff who may read the meeting see every document and every version.",
    ),
    "ok_document_added": ("Đã thêm tài liệu.", "The document was added."),
    "ok_document_version": ("Đã thay bản mới.", "The new version was uploaded."),
    "ok_document_saved": ("Đã lưu thông tin tài liệu.", "The document's details were saved."),
    "ok_document_moved": ("Đã đổi thứ tự.", "The order was changed."),
    "ok_document_removed": ("Đã xóa tài liệu.", "The document was removed."),
}
