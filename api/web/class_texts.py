"""Texts of the class pages (classes, a class, its list imported), in Vietnamese and English."""

from __future__ import annotations

CLASS_TEXTS: dict[str, tuple[str, str]] = {
    "nav_classes": ("Lớp học", "Classes"),
    "class_name": ("Tên lớp", "Class"),
    "school": ("Trường", "School"),
    "school_year": ("Năm học", "School year"),
    "students_count": ("Số học sinh", "Students"),
    "teachers": ("Giáo viên", "Teachers"),
    "no_classes": ("Chưa có lớp nào.", "No classes yet."),
    "new_class": ("Tạo lớp mới", "New class"),
    "school_year_hint": ("ví dụ 2026-2027", "e.g. 2026-2027"),
    "students": ("Học sinh", "Students"),
    "no_students": ("Lớp chưa có học sinh.", "The class has no students yet."),
    "student_code": ("Mã học sinh", "Student code"),
    "date_of_birth": ("Ngày sinh", "Date of birth"),
    "guardians": ("Phụ huynh", "Guardians"),
    "consent_state": ("Đồng ý lưu ảnh", "Consent"),
    "consent_guardian_required": ("Cần phụ huynh đồng ý", "Guardian's consent needed"),
    "needs_reenrollment": ("Cần chụp lại ảnh", "Needs re-enrollment"),
    "needs_reenrollment_count": (
        "{count} học sinh cần chụp lại ảnh (ảnh khuôn mặt mới nhất đã quá {days} ngày).",
        "Needs re-enrollment: {count} student(s) (their newest face photo is over {days} days "
        "old).",
    ),
    "todays_sessions": ("Tiết học hôm nay", "Today's sessions"),
    "no_sessions_today": ("Hôm nay lớp không có tiết học.", "No sessions today."),
    "period": ("Tiết", "Period"),
    "subject": ("Môn", "Subject"),
    "import_class_list": ("Nhập danh sách lớp", "Import the class list"),
    "import_class_hint": (
        "Tệp XLSX hoặc CSV có các cột: STT, Mã học sinh, Họ và tên, Ngày sinh, Họ tên phụ "
        "huynh, Quan hệ, Số điện thoại, Email. Học sinh đã có mã thì được cập nhật, chưa có "
        "thì được tạo mới; bạn xem trước rồi mới xác nhận.",
        "An XLSX or CSV file with the columns: No., Student code, Full name, Date of birth, "
        "Guardian's name, Relation, Phone, E-mail. Students whose code is known are updated, "
        "others created; you see a preview before confirming.",
    ),
    "class_import_preview": ("Xem trước danh sách lớp", "Class list preview"),
    "rows_create": ("học sinh mới", "new students"),
    "rows_update": ("học sinh cập nhật", "students updated"),
    "rows_reject": ("dòng bị bỏ qua", "rows rejected"),
    "row_create": ("Tạo mới", "New"),
    "row_update": ("Cập nhật", "Update"),
    "row_reject": ("Bỏ qua", "Rejected"),
    "guardian": ("Phụ huynh", "Guardian"),
    "columns_unused": ("Cột không dùng", "Columns not used"),
    "guardian_name": ("Họ tên phụ huynh", "Guardian's name"),
    "relation": ("Quan hệ", "Relation"),
    "relation_example": ("mẹ, cha, ông, bà...", "mother, father, ..."),
    "email": ("Email", "E-mail"),
    "guardian_remove": ("Xóa", "Remove"),
    "guardians_hint": (
        "Điền dòng trống để thêm một phụ huynh; đánh dấu Xóa để bỏ. Không ghi quan hệ thì "
        'lưu là "phụ huynh".',
        "Fill the empty row to add a guardian; tick Remove to take one off. Without a "
        'relation, "phụ huynh" (parent) is stored.',
    ),
    "edit_student": ("Sửa", "Edit"),
    "set_teachers": ("Giáo viên của lớp", "The class's teachers"),
    "no_teacher_accounts": (
        "Chưa có tài khoản giáo viên nào; tạo ở trang Tài khoản.",
        "No teacher accounts yet; create them on the Accounts page.",
    ),
    "save_teachers": ("Lưu giáo viên", "Save the teachers"),
    "ok_teachers_saved": ("Đã lưu giáo viên của lớp.", "The class's teachers were saved."),
    "ok_student_saved": ("Đã lưu thông tin học sinh.", "The student's details were saved."),
    "phone": ("Số điện thoại", "Phone"),
    "confirm_class_import": ("Xác nhận nhập {count} học sinh", "Import {count} students"),
    "ok_class_created": ("Đã tạo lớp.", "The class was created."),
    "ok_class_imported": ("Đã nhập danh sách lớp.", "The class list was imported."),
    "action_class_list_imported": ("Nhập danh sách lớp từ tệp", "Class list imported"),
    "action_class_created": ("Tạo lớp", "Class created"),
    "action_class_renamed": ("Đổi tên lớp", "Class renamed"),
    "action_class_teachers_set": ("Đổi giáo viên của lớp", "Class teachers changed"),
    "action_class_students_set": ("Đổi danh sách học sinh của lớp", "Class students changed"),
    "action_student_changed": ("Sửa thông tin học sinh", "Student details changed"),
    "action_class_session_created": ("Thêm buổi học", "Lesson added"),
    "action_class_pattern_created": ("Thêm lịch học hằng tuần", "Weekly timetable added"),
    "action_school_rules_set": ("Đổi quy định đi muộn, vắng", "School rules changed"),
    "action_absent_marked": ("Đánh dấu vắng mặt sau giờ chốt", "Marked absent at the cut-off"),
    "action_excused_absence_added": ("Ghi nhận nghỉ có phép", "Excused absence recorded"),
    "action_excused_absence_removed": ("Xóa nghỉ có phép", "Excused absence removed"),
    "back_to_classes": ("Về danh sách lớp", "Back to the classes"),
}
