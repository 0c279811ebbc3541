"""Texts of the meeting page's staff assignment, in Vietnamese and English."""

from __future__ import annotations

STAFF_TEXTS: dict[str, tuple[str, str]] = {
    "meeting_staff": ("Giáo viên và người xem được phân công", "Assigned teachers and viewers"),
    "meeting_staff_hint": (
        "Giáo viên và người xem chỉ thấy các cuộc họp được phân công cho họ.",
        "Teachers and viewers see only the meetings they are assigned to.",
    ),
    "meeting_staff_none": (
        "Chưa có tài khoản giáo viên hay người xem nào.",
        "There are no teacher or viewer accounts yet.",
    ),
    "save_staff": ("Lưu phân công", "Save assignments"),
    "ok_staff_assigned": ("Đã lưu phân công.", "Assignments saved."),
    "action_staff_assigned": ("Phân công giáo viên/người xem", "Teachers/viewers assigned"),
}
