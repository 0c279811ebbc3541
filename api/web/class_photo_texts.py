"""The class photo page's texts: take a photo, correct the names drawn on it, confirm."""

from __future__ import annotations

CLASS_PHOTO_TEXTS: dict[str, tuple[str, str]] = {
    "class_photo": ("Điểm danh bằng ảnh lớp", "Attendance from a class photo"),
    "cp_hint": (
        "Chụp một ảnh cả lớp (hoặc cả hội trường) từ phía trước, đủ sáng, thấy rõ mặt. "
        "Tên được đề xuất vẽ trên ảnh; bấm vào một khung để sửa, rồi bấm Xác nhận. "
        "Chưa ai được điểm danh cho đến khi bạn xác nhận.",
        "Take one photo of the class (or the hall) from the front, in good light, faces "
        "visible. The proposed names are drawn on the photo; tap a box to correct it, then "
        "Confirm. Nobody is checked in until you confirm.",
    ),
    "cp_take": ("Chụp hoặc chọn ảnh", "Take or choose a photo"),
    "cp_send": ("Nhận diện", "Recognise"),
    "cp_working": ("Đang nhận diện khuôn mặt…", "Recognising faces…"),
    "cp_found": (
        "Tìm thấy {faces} khuôn mặt: {present} có tên, {unknown} chưa rõ.",
        "{faces} faces found: {present} named, {unknown} unknown.",
    ),
    "cp_unknown": ("Chưa rõ", "Unknown"),
    "cp_present": ("Có mặt (sẽ điểm danh)", "Present (to be checked in)"),
    "cp_not_seen": ("Không thấy trong ảnh", "Not seen in the photo"),
    "cp_edit_face": ("Sửa khuôn mặt này", "Correct this face"),
    "cp_pick": ("Đây là", "This is"),
    "cp_pick_none": ("— chọn học sinh / đại biểu —", "— choose a student / delegate —"),
    "cp_assign": ("Gán tên", "Assign"),
    "cp_remove": ("Bỏ tên (không điểm danh)", "Remove (do not check in)"),
    "cp_close": ("Đóng", "Close"),
    "cp_confirm": ("Xác nhận điểm danh", "Confirm attendance"),
    "cp_recorded": ("Đã điểm danh", "Checked in"),
    "cp_already": ("Đã điểm danh từ trước", "Already checked in"),
    "cp_done": (
        "Đã ghi {recorded} lượt điểm danh ({already} người đã có từ trước).",
        "{recorded} check-ins recorded ({already} were already checked in).",
    ),
    "cp_back": ("Về trang cuộc họp", "Back to the meeting"),
    "cp_failed": ("Không gửi được", "Could not send"),
}
