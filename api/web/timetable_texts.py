"""Visible strings of a class's timetable page: sessions, weekly patterns, school rules and
excused absences, in Vietnamese and English."""

from __future__ import annotations

TIMETABLE_TEXTS: dict[str, tuple[str, str]] = {
    "timetable": ("Thời khóa biểu", "Timetable"),
    "timetable_of": ("Thời khóa biểu lớp {name}", "Timetable of class {name}"),
    "back_to_class": ("Về trang lớp", "Back to the class"),
    "week_of": ("Tuần từ {start} đến {end}", "Week of {start} to {end}"),
    "previous_week": ("← Tuần trước", "← Previous week"),
    "next_week": ("Tuần sau →", "Next week →"),
    "session_day": ("Ngày", "Day"),
    "session_period": ("Tiết", "Period"),
    "session_subject": ("Môn", "Subject"),
    "session_room": ("Phòng học", "Room"),
    "session_time": ("Giờ", "Time"),
    "session_start": ("Bắt đầu", "Start"),
    "session_end": ("Kết thúc", "End"),
    "session_absent_marked": ("Đã chốt vắng", "Absences marked"),
    "session_entered_late": (
        "Nhập sau giờ chốt: không tự ghi vắng",
        "Entered after its cut-off: not marked absent",
    ),
    "session_not_marked": ("Chưa chốt", "Not yet"),
    "no_sessions_this_week": ("Tuần này chưa có tiết học.", "No lessons this week."),
    "add_session": ("Thêm một tiết", "Add one lesson"),
    "add_pattern": ("Thêm theo tuần", "Add a weekly pattern"),
    "pattern_hint": (
        "Tạo tiết này vào mọi ngày cùng thứ trong khoảng ngày. Tiết đã có (cùng ngày, cùng tiết) "
        "không bị tạo lại; gửi lại cho từng tiết khác trong tuần.",
        "Creates this lesson on every such weekday of the range. A lesson already there (same "
        "day and period) is not created again; send it once for each lesson of the week.",
    ),
    "pattern_weekday": ("Thứ", "Weekday"),
    "weekday_1": ("Thứ Hai", "Monday"),
    "weekday_2": ("Thứ Ba", "Tuesday"),
    "weekday_3": ("Thứ Tư", "Wednesday"),
    "weekday_4": ("Thứ Năm", "Thursday"),
    "weekday_5": ("Thứ Sáu", "Friday"),
    "weekday_6": ("Thứ Bảy", "Saturday"),
    "weekday_7": ("Chủ nhật", "Sunday"),
    "pattern_from": ("Từ ngày", "From"),
    "pattern_to": ("Đến ngày", "To"),
    "pattern_skip": (
        "Ngày nghỉ (cách nhau bởi dấu phẩy, 2027-01-01, …)",
        "Days off (comma-separated, 2027-01-01, …)",
    ),
    "school_rules": ("Quy định của trường {school}", "Rules of {school}"),
    "rules_late": ("Muộn sau (phút)", "Late after (minutes)"),
    "rules_absent": ("Vắng sau (phút)", "Absent after (minutes)"),
    "rules_hint": (
        "Học sinh chưa điểm danh sau số phút tính vắng kể từ giờ vào tiết sẽ được tự động ghi "
        "vắng (có phép nếu đã xin phép).",
        "A student not checked in this many minutes after the lesson starts is marked absent "
        "by itself (excused when an excused absence was registered).",
    ),
    "excused_absences": ("Nghỉ có phép", "Excused absences"),
    "excused_student": ("Học sinh", "Student"),
    "excused_from": ("Từ ngày", "From"),
    "excused_to": ("Đến ngày", "To"),
    "excused_by": ("Người ghi", "Recorded by"),
    "excused_add": ("Ghi nghỉ có phép", "Register an excused absence"),
    "excused_remove": ("Xóa", "Remove"),
    "excused_remove_confirm": ("Xóa đơn xin phép này?", "Remove this excused absence?"),
    "no_excused": ("Chưa có đơn xin phép.", "No excused absences."),
    "ok_session_added": ("Đã thêm tiết học.", "The lesson was added."),
    "ok_pattern_added": ("Đã thêm các tiết học theo tuần.", "The weekly lessons were added."),
    "ok_pattern_created": (
        "Đã thêm các tiết học theo tuần. Đã tạo {created} tiết.",
        "The weekly lessons were added. {created} lessons were created.",
    ),
    "ok_pattern_past": (
        "Đã thêm các tiết học theo tuần. Đã tạo {created} tiết, trong đó {past} tiết đã qua "
        "giờ chốt vắng: các tiết này không tự động ghi vắng (chỉ tính khi điểm danh tay).",
        "The weekly lessons were added. {created} lessons were created; {past} of them were "
        "already past their cut-off and will not be marked absent automatically (only "
        "check-ins by hand count).",
    ),
    "ok_rules_saved": ("Đã lưu quy định của trường.", "The school's rules were saved."),
    "ok_excused_added": ("Đã ghi nghỉ có phép.", "The excused absence was registered."),
    "ok_excused_removed": ("Đã xóa đơn xin phép.", "The excused absence was removed."),
}
