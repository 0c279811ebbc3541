"""Every visible string of the pages, in Vietnamese and English."""

from __future__ import annotations

from typing import Any

from api.web.account_texts import ACCOUNT_TEXTS
from api.web.agenda_texts import AGENDA_TEXTS
from api.web.audit_texts import AUDIT_TEXTS
from api.web.class_photo_texts import CLASS_PHOTO_TEXTS
from api.web.class_texts import CLASS_TEXTS
from api.web.consent_texts import CONSENT_TEXTS
from api.web.document_audit_texts import DOCUMENT_AUDIT_TEXTS
from api.web.document_texts import DOCUMENT_TEXTS
from api.web.documents_ops_texts import DOCUMENTS_OPS_TEXTS
from api.web.lesson_texts import LESSON_TEXTS
from api.web.notice_texts import NOTICE_TEXTS
from api.web.people_texts import PEOPLE_TEXTS
from api.web.photo_texts import PHOTO_TEXTS
from api.web.poll_texts import POLL_TEXTS
from api.web.roster_texts import ROSTER_TEXTS
from api.web.school_report_texts import SCHOOL_REPORT_TEXTS
from api.web.staff_texts import STAFF_TEXTS
from api.web.timetable_texts import TIMETABLE_TEXTS
from api.web.webhook_texts import WEBHOOK_TEXTS

# key: (Vietnamese, English). Vietnamese is the default; both are always filled in.
TEXTS: dict[str, tuple[str, str]] = {
    "app": ("Điểm danh họp", "Meeting attendance"),
    "other_lang": ("English", "Tiếng Việt"),
    "nav_meetings": ("Cuộc họp", "Meetings"),
    "nav_people": ("Người tham dự", "People"),
    "sign_in": ("Đăng nhập", "Sign in"),
    "sign_out": ("Đăng xuất", "Sign out"),
    "signed_in_as": ("Đang đăng nhập", "Signed in as"),
    "sign_in_hint": (
        "Đăng nhập bằng tên đăng nhập và mật khẩu của bạn.",
        "Sign in with your username and password.",
    ),
    "token": ("Mã đăng nhập", "Token"),
    "your_name": ("Tên của bạn (ghi vào nhật ký)", "Your name (for the audit log)"),
    "optional": ("không bắt buộc", "optional"),
    "error": ("Lỗi", "Error"),
    "back_to_meetings": ("Về danh sách cuộc họp", "Back to the meetings"),
    "meeting_title": ("Tên cuộc họp", "Title"),
    "room": ("Phòng họp", "Room"),
    "starts_at": ("Bắt đầu", "Starts"),
    "ends_at": ("Kết thúc", "Ends"),
    "late_after": ("Tính muộn sau (phút)", "Late after (minutes)"),
    "late_after_short": ("muộn sau {minutes} phút", "late after {minutes} min"),
    "roster_size": ("Số đại biểu", "Invited"),
    "no_meetings": ("Chưa có cuộc họp nào.", "No meetings yet."),
    "include_lessons": ("Hiện cả tiết học", "Include lessons"),
    "meetings_only": ("Chỉ hiện cuộc họp (ẩn tiết học)", "Meetings only (hide lessons)"),
    "new_meeting": ("Tạo cuộc họp mới", "New meeting"),
    "edit_meeting": ("Sửa cuộc họp", "Edit meeting"),
    "create": ("Tạo", "Create"),
    "save": ("Lưu", "Save"),
    "edit": ("Sửa", "Edit"),
    "cancel": ("Hủy", "Cancel"),
    "import_roster": ("Nhập danh sách", "Import roster"),
    "live_board": ("Màn hình hiển thị tập trung", "Live board"),
    "board_link": ("Liên kết cho màn hình phòng họp", "Link for the room's screen"),
    "new_board_link": ("Cấp liên kết màn hình", "Board link"),
    "board_link_hint": (
        "Mở địa chỉ này trên máy tính nối với màn hình phòng họp: nó chỉ xem được màn hình "
        "của cuộc họp này, không cần đăng nhập. Cấp liên kết mới thì liên kết cũ hết hiệu lực.",
        "Open this address on the computer behind the room's screen: it shows this meeting's "
        "board and nothing else, without signing in. A new link makes the old one stop working.",
    ),
    "review_queue": ("Chờ xác nhận", "Review queue"),
    "audit_log": ("Nhật ký thao tác", "Audit log"),
    "download": ("Tải về", "Download"),
    "expected": ("Dự kiến", "Expected"),
    "present": ("Có mặt", "Present"),
    "present_incl_late": ("Có mặt (kể cả muộn)", "Present (incl. late)"),
    "present_now": ("Đang có mặt (kể cả muộn)", "Present now (incl. late)"),
    "late_here": ("Đi muộn (đang có mặt)", "Late (still here)"),
    "left_count": ("Đã ra về", "Left"),
    "late": ("Đi muộn", "Late"),
    "absent": ("Vắng", "Absent"),
    "not_arrived": ("Chưa đến", "Not arrived yet"),
    "full_name": ("Họ và tên", "Full name"),
    "title": ("Chức vụ", "Title"),
    "unit": ("Đơn vị", "Unit"),
    "code": ("Mã đại biểu", "Code"),
    "status": ("Trạng thái", "Status"),
    "status_present": ("Có mặt", "Present"),
    "status_late": ("Đi muộn", "Late"),
    "status_absent": ("Vắng", "Absent"),
    "status_not_arrived": ("Chưa đến", "Not arrived yet"),
    "left_at": ("Đã ra về lúc {time}", "Left at {time}"),
    "arrived_at": ("Giờ đến", "Arrived"),
    "note": ("Ghi chú", "Note"),
    "note_optional": ("Ghi chú (không bắt buộc)", "Note (optional)"),
    "correction": ("Điều chỉnh thủ công", "Manual correction"),
    "reason": ("Lý do", "Reason"),
    "arrival_time": (
        "Giờ đến (để trống: bây giờ; trong giờ điểm danh)",
        "Arrival time (empty: now; within the check-in window)",
    ),
    "check_in": ("Điểm danh", "Check in"),
    "check_out": ("Cho ra về", "Check out"),
    "roster_empty": ("Danh sách đại biểu đang trống.", "The roster is empty."),
    "time": ("Thời gian", "Time"),
    "who": ("Người thực hiện", "By"),
    "action": ("Thao tác", "Action"),
    "action_check_in": ("Điểm danh", "Check-in"),  # the source column says how
    "action_check_out": ("Cho ra về", "Check-out"),
    "action_review_confirmed": ("Xác nhận nhận diện", "Match confirmed"),
    "action_review_rejected": ("Từ chối nhận diện", "Match rejected"),
    "action_board_link_issued": ("Cấp liên kết màn hình", "Board link issued"),
    "audit_empty": ("Chưa có thao tác nào.", "Nothing recorded yet."),
    "audit_about": ("Biểu quyết / nội dung", "Poll / item"),
    "audit_chose": ("chọn: {choices}", "chose: {choices}"),
    "audit_holder": ("người nhận ủy quyền:", "holder:"),
    "source": ("Nguồn", "Source"),
    "gone": ("đã xóa", "deleted"),
    "import_hint": (
        "Tệp Excel (.xlsx) hoặc CSV có dòng tiêu đề: Họ và tên (hoặc Họ đệm và Tên), "
        "Chức vụ, Đơn vị, Mã đại biểu.",
        "An Excel (.xlsx) or CSV file with a header row: Họ và tên (or Họ đệm and Tên), "
        "Chức vụ, Đơn vị, Mã đại biểu.",
    ),
    "spreadsheet": ("Tệp danh sách", "Spreadsheet"),
    "preview": ("Xem trước", "Preview"),
    "import_preview": ("Xem trước danh sách", "Roster preview"),
    "rows_matched": ("đã có trong hệ thống", "already known"),
    "rows_new": ("người mới", "new people"),
    "rows_invalid": ("dòng lỗi (bỏ qua)", "invalid rows (skipped)"),
    "row": ("Dòng", "Row"),
    "result": ("Kết quả", "Result"),
    "row_matched": ("Đã có", "Known"),
    "row_new": ("Mới", "New"),
    "row_student": ("học sinh", "student"),
    "row_invalid": ("Lỗi", "Invalid"),
    "rows_ask": ("dòng cần chọn người", "rows to decide"),
    "row_ask": ("Cần chọn", "Decide"),
    "pick_person": ("Chọn đúng người", "Who is meant"),
    "no_unit": ("chưa có đơn vị", "no unit"),
    "choice_new": ("Người mới (tạo thêm một người)", "A new person (create one)"),
    "mode_replace": ("Thay thế danh sách hiện có", "Replace the current roster"),
    "mode_add": ("Thêm vào danh sách hiện có", "Add to the current roster"),
    "confirm_import": ("Xác nhận nhập {count} người", "Import {count} people"),
    "replace_removes": (
        "Nếu thay thế: {count} người đang có trong danh sách nhưng không có trong tệp sẽ bị "
        "xóa khỏi danh sách.",
        "If you replace: {count} people on the current roster but not in the file will be "
        "taken off it.",
    ),
    "replace_keeps": (
        "{count} người không có trong tệp nhưng đã đến họp sẽ được giữ lại trong danh sách.",
        "{count} people not in the file have already arrived and will stay on the roster.",
    ),
    "search": ("Tìm", "Search"),
    "search_placeholder": (
        "Tìm theo tên, không cần dấu (vd: nguyen van an)",
        "Search by name, diacritics optional (e.g. nguyen van an)",
    ),
    "photos": ("Ảnh", "Photos"),
    "no_people": ("Không có ai.", "Nobody found."),
    "new_person": ("Thêm người", "New person"),
    "details": ("Thông tin", "Details"),
    "add_photo": ("Thêm ảnh khuôn mặt", "Add a face photo"),
    "photo_file": ("Tệp ảnh", "Photo file"),
    "confirm_different": (
        "Tôi xác nhận đây là người khác với người đã đăng ký giống ảnh này",
        "I confirm this is a different person from the look-alike already enrolled",
    ),
    "upload": ("Tải lên", "Upload"),
    "webcam_start": ("Chụp bằng camera", "Use the camera"),
    "webcam_shoot": ("Chụp và gửi", "Take and send"),
    "webcam_error": (
        "Không mở được camera (cần cho phép, và trang phải mở qua HTTPS hoặc localhost).",
        "The camera could not be opened (allow it; the page must be on HTTPS or localhost).",
    ),
    "photo_accepted": ("Ảnh đạt", "Photo accepted"),
    "photo_again": ("Ảnh này đã có", "This photo is already enrolled"),
    "photo_again_hint": (
        "Ảnh này đã được đăng ký (ảnh số {id}, khuôn mặt bên cạnh), không thêm lần nữa. Muốn "
        "chọn khuôn mặt khác trong ảnh thì hãy xóa ảnh đó ở mục Ảnh đã đăng ký rồi tải lên lại.",
        "This photo is already enrolled (photo {id}, the face beside); nothing was added. To "
        "choose another face in it, delete that photo under Enrolled photos and upload it again.",
    ),
    "photo_rejected": ("Ảnh không đạt", "Photo refused"),
    "duplicate_hint": (
        "Nếu đúng là hai người khác nhau, hãy gửi lại và đánh dấu ô xác nhận.",
        "If they really are two people, send it again with the confirmation box ticked.",
    ),
    "enrolled_photos": ("Ảnh đã đăng ký", "Enrolled photos"),
    "added_at": ("Thêm lúc", "Added"),
    "verdict": ("Đánh giá", "Verdict"),
    "quality": ("Chất lượng", "Quality"),
    "q_face": ("mặt", "face"),
    "q_sharp": ("độ nét", "sharpness"),
    "q_bright": ("độ sáng", "brightness"),
    "q_pose": ("góc nghiêng", "pose"),
    "no_photos": ("Chưa có ảnh nào.", "No photos yet."),
    "erase_faces": ("Xóa toàn bộ dữ liệu khuôn mặt", "Erase all face data"),
    "erase_confirm": (
        "Xóa mọi dữ liệu khuôn mặt của người này?",
        "Erase all of this person's face data?",
    ),
    "review_hint": (
        "Những khuôn mặt hệ thống chưa chắc chắn. Xác nhận để điểm danh, hoặc từ chối.",
        "Faces the system was unsure about. Confirm to check the person in, or reject.",
    ),
    "review_empty": ("Không có gì chờ xác nhận.", "Nothing is waiting."),
    "face_crop": ("Ảnh khuôn mặt", "Face"),
    "similarity": ("Độ giống", "Similarity"),
    "runner_up": ("Người giống thứ hai", "Runner-up"),
    "decision_ambiguous": ("hai người quá giống nhau", "two people too close to call"),
    "decision_unknown": ("hơi dưới ngưỡng", "just under the threshold"),
    "confirm": ("Xác nhận", "Confirm"),
    "reject": ("Từ chối", "Reject"),
    "latest_arrivals": ("Đại biểu mới đến", "Latest arrivals"),
    "board_empty": ("Chưa có đại biểu nào đến.", "Nobody has arrived yet."),
    "board_offline": ("Mất kết nối, đang kết nối lại…", "Connection lost, reconnecting…"),
    "ok_created": ("Đã tạo.", "Created."),
    "ok_saved": ("Đã lưu.", "Saved."),
    "ok_checked_in": ("Đã điểm danh.", "Checked in."),
    "ok_checked_out": ("Đã ghi ra về.", "Checked out."),
    "ok_imported": ("Đã nhập danh sách.", "The roster was imported."),
    "ok_imported_kept": (
        "Đã nhập danh sách. Những người đã đến họp nhưng không có trong tệp vẫn được giữ lại "
        "trong danh sách.",
        "The roster was imported. People who had already arrived but are not in the file "
        "were kept on the roster.",
    ),
    "ok_confirmed": ("Đã xác nhận và điểm danh.", "Confirmed and checked in."),
    "ok_rejected": ("Đã từ chối.", "Rejected."),
    "ok_erased": ("Đã xóa dữ liệu khuôn mặt.", "Face data erased."),
}


TEXTS.update(POLL_TEXTS)
TEXTS.update(PEOPLE_TEXTS)
TEXTS.update(ROSTER_TEXTS)
TEXTS.update(PHOTO_TEXTS)
TEXTS.update(CONSENT_TEXTS)
TEXTS.update(AUDIT_TEXTS)
TEXTS.update(ACCOUNT_TEXTS)
TEXTS.update(STAFF_TEXTS)
TEXTS.update(SCHOOL_REPORT_TEXTS)
TEXTS.update(TIMETABLE_TEXTS)
TEXTS.update(WEBHOOK_TEXTS)
TEXTS.update(CLASS_TEXTS)
TEXTS.update(CLASS_PHOTO_TEXTS)
TEXTS.update(LESSON_TEXTS)
TEXTS.update(DOCUMENT_AUDIT_TEXTS)
TEXTS.update(DOCUMENTS_OPS_TEXTS)
TEXTS.update(DOCUMENT_TEXTS)
TEXTS.update(NOTICE_TEXTS)
TEXTS.update(AGENDA_TEXTS)


class Translator:
    """`t("key", name=...)` in templates: the text in the page's language, formatted."""

    def __init__(self, lang: str) -> None:
        self.index = 1 if lang == "en" else 0

    def __call__(self, key: str, **values: Any) -> str:
        pair = TEXTS.get(key)
        if pair is None:
            return key  # a missing text shows its key, and a test lists every key used
        text = pair[self.index]
        return text.format(**values) if values else text


def t_both(key: str) -> str:
    """A text in both languages, Vietnamese first, as an error's message carries it."""
    vi, en = TEXTS[key]
    return f"{vi} {en}"
