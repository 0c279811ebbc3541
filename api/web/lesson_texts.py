"""Visible strings of a meeting page when the meeting is a class's lesson."""

from __future__ import annotations

LESSON_TEXTS: dict[str, tuple[str, str]] = {
    "lesson_back_to_class": ("← Lớp {name}", "← Class {name}"),
    "lesson_timetable": ("Thời khóa biểu", "Timetable"),
    "lesson_role": ("Vai trò", "Role"),
    "lesson_student": ("Học sinh", "Student"),
    "lesson_students": ("học sinh", "students"),
    "status_excused": ("Vắng có phép", "Excused"),
    "status_unrecorded": ("Chưa ghi nhận", "Not recorded"),
    "lesson_roster_hint": (
        "Danh sách học sinh của tiết học lấy từ lớp; sửa trên trang lớp.",
        "A lesson's students come from its class; change them on the class page.",
    ),
}
