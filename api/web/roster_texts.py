"""Texts of the roster edits and the meeting deletion, in Vietnamese and English."""

from __future__ import annotations

ROSTER_TEXTS: dict[str, tuple[str, str]] = {
    "voting": ("Biểu quyết", "Vote"),
    "votes_yes": ("Có quyền biểu quyết", "Voting member"),
    "votes_no": ("Khách mời (không biểu quyết)", "Observer (no vote)"),
    "make_observer": ("Chuyển thành khách mời", "Make observer"),
    "give_vote": ("Cho quyền biểu quyết", "Give a vote"),
    "remove": ("Xóa khỏi danh sách", "Take off the roster"),
    "remove_confirm": (
        "Xóa người này khỏi danh sách cuộc họp? Liên kết bỏ phiếu của họ sẽ hết hiệu lực.",
        "Take this person off the meeting's roster? Their voting link will stop working.",
    ),
    "add_to_roster": ("Thêm người vào danh sách", "Add someone to the roster"),
    "add_search_hint": (
        "Tìm người đã có trong hệ thống theo tên, không cần dấu; chưa có thì tạo người mới.",
        "Find someone already known by name, diacritics optional; or create a new person.",
    ),
    "add": ("Thêm", "Add"),
    "as_observer": ("Khách mời, không biểu quyết", "Observer, no vote"),
    "no_candidates": (
        "Không tìm thấy ai chưa có trong danh sách với tên này.",
        "Nobody with this name who is not on the roster yet.",
    ),
    "new_person_to_roster": ("Tạo người mới và thêm vào danh sách", "Create and add a new person"),
    "delete_meeting": ("Xóa cuộc họp", "Delete meeting"),
    "delete_meeting_question": (
        "Xóa vĩnh viễn cuộc họp này?",
        "Delete this meeting for good?",
    ),
    "delete_goes": ("Sẽ bị xóa cùng cuộc họp:", "Deleted with the meeting:"),
    "gone_participants": ("{count} người trong danh sách", "{count} people on the roster"),
    "gone_events": (
        "{count} lượt điểm danh, ra về, quay lại",
        "{count} check-ins, check-outs and returns",
    ),
    "gone_polls": ("{count} nội dung biểu quyết", "{count} polls"),
    "gone_ballots": ("{count} phiếu đã bỏ", "{count} ballots cast"),
    "gone_opinions": ("{count} ý kiến", "{count} opinions"),
    "gone_proxies": ("{count} ủy quyền", "{count} proxies"),
    "gone_links": (
        "{count} liên kết bỏ phiếu và liên kết màn hình",
        "{count} voting and board links",
    ),
    "gone_reviews": (
        "{count} khuôn mặt chờ xác nhận (cùng ảnh khuôn mặt)",
        "{count} faces in the review queue (with their face crops)",
    ),
    "gone_agenda": ("{count} mục chương trình", "{count} agenda items"),
    "delete_stays": (
        "Những người tham dự và dữ liệu khuôn mặt của họ vẫn được giữ; nhật ký thao tác ghi lại "
        "việc xóa. Không thể hoàn tác.",
        "The people and their face data stay; the audit log records the deletion. This cannot "
        "be undone.",
    ),
    "delete_open_polls": (
        "Đang có biểu quyết mở: {titles}. Nên kết thúc biểu quyết trước; nếu vẫn xóa, các phiếu "
        "chưa kiểm sẽ mất.",
        "A poll is still open: {titles}. Close it first; deleting now loses its uncounted ballots.",
    ),
    "discard_open_polls": (
        "Tôi hiểu: xóa cả biểu quyết đang mở và các phiếu chưa kiểm",
        "I understand: delete the open poll and its uncounted ballots too",
    ),
    "meeting_delete_confirm": (
        "Xóa cuộc họp và mọi dữ liệu đi kèm?",
        "Delete the meeting and everything that belongs to it?",
    ),
    "ok_meeting_deleted": ("Đã xóa cuộc họp.", "The meeting was deleted."),
    "import_poll_open": (
        "Biểu quyết '{title}' đang mở: chỉ xác nhận được danh sách không thay đổi người có "
        "quyền biểu quyết; hãy đợi biểu quyết kết thúc rồi xác nhận.",
        "The poll '{title}' is open: only a list that leaves who may vote unchanged can be "
        "confirmed now; wait until it closes, then confirm.",
    ),
    "ok_participant_added": ("Đã thêm vào danh sách.", "Added to the roster."),
    "ok_participant_removed": ("Đã xóa khỏi danh sách.", "Taken off the roster."),
    "ok_rights_changed": ("Đã đổi quyền biểu quyết.", "Voting rights changed."),
    "choose_person": ("— chọn —", "— choose —"),
    "no_grantors": (
        "Không có đại biểu có quyền biểu quyết nào đang vắng.",
        "No voting member is absent.",
    ),
    "no_holders": (
        "Chưa có đại biểu có quyền biểu quyết nào có mặt.",
        "No voting member is present yet.",
    ),
    "action_participant_added": ("Thêm vào danh sách", "Added to the roster"),
    "action_participant_removed": ("Xóa khỏi danh sách", "Taken off the roster"),
    "action_voting_rights_changed": ("Đổi quyền biểu quyết", "Voting rights changed"),
    "action_meeting_deleted": ("Xóa cuộc họp", "Meeting deleted"),
}
