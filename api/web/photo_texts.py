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
    "face_seen": ("Khuôn mặt được ghi nhận", "The face seen"),
    "refusal_details": ("Chi tiết", "Details"),
    # Why a photo was refused, said in the page's language (the code and the full message,
    # with its figures in both languages, are under "Chi tiết").
    "refusal_unreadable_image": (
        "Không đọc được tệp ảnh: hãy gửi ảnh JPEG, PNG, WebP hoặc BMP gốc.",
        "The file could not be read as an image: send the original JPEG, PNG, WebP or BMP.",
    ),
    "refusal_no_face": (
        "Không thấy khuôn mặt nào: hãy dùng ảnh chụp rõ mặt, nhìn thẳng.",
        "No face was found: use a clear photo of the face, looking at the camera.",
    ),
    "refusal_multiple_faces": (
        "Ảnh có nhiều người: hãy bấm vào khuôn mặt cần đăng ký bên dưới.",
        "The photo holds several people: click the face to enroll below.",
    ),
    "refusal_invalid_face_index": (
        "Không có khuôn mặt đã chọn: hãy chọn lại.",
        "The face chosen is not in the photo: choose again.",
    ),
    "refusal_face_too_small": (
        "Khuôn mặt quá nhỏ: hãy chụp gần hơn hoặc dùng ảnh lớn hơn.",
        "The face is too small: take it closer, or use a larger photo.",
    ),
    "refusal_too_blurry": (
        "Ảnh bị mờ: hãy chụp lại, giữ máy ổn định.",
        "The photo is blurred: retake it steady.",
    ),
    "refusal_extreme_pose": (
        "Khuôn mặt quay nghiêng quá nhiều: hãy nhìn thẳng vào máy ảnh.",
        "The head is turned too far: look straight at the camera.",
    ),
    "refusal_too_dark": (
        "Ảnh quá tối: hãy chụp ở nơi đủ sáng.",
        "The photo is too dark: add light.",
    ),
    "refusal_not_a_human_face": (
        "Không nhận ra đây là khuôn mặt người: hãy dùng ảnh chân dung rõ mặt của người này.",
        "This does not look like a human face: use a clear portrait of the person.",
    ),
    "refusal_duplicate_person": (
        "Khuôn mặt này đã được đăng ký cho người khác.",
        "This face is already enrolled as someone else.",
    ),
    "refusal_photo_already_enrolled": (
        "Ảnh này đã được đăng ký cho người này: muốn chọn khuôn mặt khác, hãy xóa ảnh đó trước.",
        "This photo is already enrolled for this person: to choose another face, delete it first.",
    ),
    "refusal_photo_expired": (
        "Ảnh đã hết hạn chờ: hãy tải ảnh lên lại.",
        "The photo is no longer held: upload it again.",
    ),
    "refusal_image_too_large": (
        "Ảnh quá lớn: hãy gửi ảnh nhỏ hơn.",
        "The image is too large: send a smaller one.",
    ),
    "face_enrolled": ("Ảnh đã đăng ký của {name}", "{name}'s enrolled photo"),
}
