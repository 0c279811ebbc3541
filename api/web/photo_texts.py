"""The person page's texts about photos: choosing a face, each photo and its deletion."""

from __future__ import annotations

PHOTO_TEXTS: dict[str, tuple[str, str]] = {
    "choose_face": ("Chọn khuôn mặt cần đăng ký", "Choose the face to enroll"),
    "choose_face_hint": (
        "Ảnh có nhiều khuôn mặt nổi bật như nhau. Bấm vào khuôn mặt của {name}.",
        "The photo holds several faces equally prominent. Click {name}'s face.",
    ),
    "face_n": ("Khuôn mặt {n}", "Face {n}"),
    "photo_expired": (
        "Ảnh đã hết hạn chờ (10 phút) hoặc máy chủ đã khởi động lại; hãy tải ảnh lên lại.",
        "The photo is no longer held (10 minutes, or the server restarted); upload it again.",
    ),
    "photo_file_name": ("Tệp", "File"),
    "no_crop": ("(ảnh cũ, không lưu)", "(older photo, not kept)"),
    "erase_photo": ("Xóa ảnh này", "Delete this photo"),
    "erase_photo_confirm": (
        "Xóa ảnh này và dữ liệu khuôn mặt của nó?",
        "Delete this photo and its face data?",
    ),
    "ok_photo_erased": ("Đã xóa ảnh.", "The photo was deleted."),
}
