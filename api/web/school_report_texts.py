"""Visible strings of the school attendance reports, in Vietnamese and English."""

from __future__ import annotations

SCHOOL_REPORT_TEXTS: dict[str, tuple[str, str]] = {
    "nav_school_report": ("Chuyên cần", "Attendance rates"),
    "class_report": ("Báo cáo chuyên cần lớp {name}", "Attendance report of class {name}"),
    "class_report_link": ("Báo cáo chuyên cần", "Attendance report"),
    "report_month": ("Tháng", "Month"),
    "report_show": ("Xem", "Show"),
    "report_school": ("Trường", "School"),
    "report_all_schools": ("Tất cả các trường", "Every school"),
    "report_school_year": ("Năm học", "School year"),
    "report_download": ("Tải về", "Download"),
    "report_xlsx": ("Excel (.xlsx)", "Excel (.xlsx)"),
    "report_csv": ("CSV", "CSV"),
    "report_pdf": ("PDF", "PDF"),
    "report_no": ("STT", "No."),
    "report_code": ("Mã học sinh", "Student code"),
    "report_name": ("Họ và tên", "Full name"),
    "report_present": ("Có mặt", "Present"),
    "report_late": ("Đi muộn", "Late"),
    "report_excused": ("Vắng có phép", "Absent, excused"),
    "report_unexcused": ("Vắng không phép", "Absent, unexcused"),
    "report_held": ("Số tiết", "Sessions"),
    "report_rate": ("Tỷ lệ chuyên cần", "Attendance rate"),
    "report_class_total": ("Cả lớp", "Whole class"),
    "report_school_total": ("Toàn trường", "All classes"),
    "report_class": ("Lớp", "Class"),
    "report_students": ("Số học sinh", "Students"),
    "report_no_sessions": (
        "Tháng này lớp không có tiết học nào.",
        "The class has no sessions this month.",
    ),
    "report_no_students": ("Lớp chưa có học sinh.", "The class has no students."),
    "report_no_classes": ("Không có lớp nào.", "No classes."),
    "report_legend": (
        "C: có mặt · M: đi muộn · CP: vắng có phép · KP: vắng không phép · ô trống: không có "
        "tiết hoặc chưa đến giờ chốt vắng. Một ngày nhiều tiết ghi mức nặng nhất trong ngày; "
        "tổng và tỷ lệ tính theo tiết: tỷ lệ chuyên cần = (có mặt + đi muộn) / số tiết.",
        "C: present · M: late · CP: absent, excused · KP: absent, unexcused · blank: no "
        "session, or not past its absent cut-off. A day of several sessions shows its worst "
        "mark; totals and rates count sessions: attendance rate = (present + late) / sessions.",
    ),
    "school_report": ("Tỷ lệ chuyên cần theo lớp", "Attendance rates by class"),
    "school_attendance": ("Chuyên cần của {name}", "School attendance of {name}"),
    "history_from": ("Từ ngày", "From"),
    "history_to": ("Đến ngày", "To"),
    "history_day": ("Ngày", "Day"),
    "history_period": ("Tiết", "Period"),
    "history_subject": ("Môn", "Subject"),
    "history_arrived": ("Giờ đến", "Arrived"),
    "history_mark": ("Điểm danh", "Mark"),
    "history_none": ("Chưa có tiết học nào.", "No sessions yet."),
    "mark_present": ("Có mặt", "Present"),
    "mark_late": ("Đi muộn", "Late"),
    "mark_excused": ("Vắng có phép", "Absent, excused"),
    "mark_unexcused": ("Vắng không phép", "Absent, unexcused"),
    "mark_none": ("Chưa tính", "Not yet"),
}
