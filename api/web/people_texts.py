"""Visible strings of merging and deleting people, in Vietnamese and English."""

from __future__ import annotations

PEOPLE_TEXTS: dict[str, tuple[str, str]] = {
    "manage_person": ("Người bị trùng?", "A duplicate?"),
    "manage_hint": (
        "Nếu người này bị tạo trùng (ví dụ khi nhập danh sách), hãy gộp vào đúng người: ảnh, "
        "danh sách họp, điểm danh và phiếu biểu quyết đều chuyển sang. Hoặc xóa nếu không cần.",
        "If this person was created twice (by a roster import, say), merge them into the right "
        "person: photos, rosters, attendance and ballots move over. Or delete them if unneeded.",
    ),
    "merge_into": ("Gộp vào người khác", "Merge into another person"),
    "merge_search": ("Tìm người để gộp vào", "Find the person to merge into"),
    "merge_title": ("Gộp {name} vào người khác", "Merge {name} into another person"),
    "merge_pick": ("Chọn người sẽ được giữ lại", "Pick the person who stays"),
    "merge_choose": ("Chọn", "Choose"),
    "merge_none": ("Không tìm thấy ai khác.", "Nobody else found."),
    "merge_moves": ("Sẽ chuyển sang {name}:", "What moves to {name}:"),
    "merge_gone": (
        "Sau khi gộp, {name} (#{id}) bị xóa; mọi dữ liệu trên đã thuộc về người được giữ lại.",
        "After the merge {name} (#{id}) is deleted; everything above belongs to the person kept.",
    ),
    "merge_code": ("Mã đại biểu giữ lại: {code}", "Code kept: {code}"),
    "merge_shared_roster": (
        "{count} cuộc họp có cả hai người: giữ một dòng, có quyền biểu quyết nếu một trong hai có.",
        "{count} meetings list both: one entry stays, with a vote if either had one.",
    ),
    "merge_same_photo": (
        "{count} ảnh đã đăng ký cho cả hai: giữ một.",
        "{count} photos enrolled for both: kept once.",
    ),
    "merge_both_came": (
        "«{title}»: cả hai đều đã được điểm danh; giữ lần đến sớm hơn ({time}).",
        "“{title}”: both were checked in; the earlier arrival ({time}) is kept.",
    ),
    "merge_refused": ("Không thể gộp:", "They cannot be merged:"),
    "merge_confirm": (
        "Gộp {name} vào {into}? Không thể hoàn tác.",
        "Merge {name} into {into}? This cannot be undone.",
    ),
    "merge_button": ("Gộp vào {into}", "Merge into {into}"),
    "rec_templates": ("ảnh khuôn mặt", "face photos"),
    "rec_meetings": ("cuộc họp có tên trong danh sách", "meeting rosters"),
    "rec_events": ("lần điểm danh / ra về", "arrivals and departures"),
    "rec_ballots": ("phiếu biểu quyết", "ballots"),
    "rec_proxies": ("ủy quyền", "proxies"),
    "rec_opinions": ("ý kiến", "opinions"),
    "rec_passes": ("liên kết bỏ phiếu", "voting links"),
    "rec_reviews": ("mục chờ xác nhận", "review items"),
    "delete_person": ("Xóa người này", "Delete this person"),
    "delete_title": ("Xóa {name}", "Delete {name}"),
    "delete_holds": ("Hệ thống đang có về người này:", "What the system holds about them:"),
    "delete_nothing": ("Không có dữ liệu gì khác.", "Nothing else."),
    "delete_history": (
        "Người này đã có dữ liệu cuộc họp (điểm danh, phiếu, ủy quyền hoặc ý kiến). Xóa sẽ làm "
        "mất dữ liệu đó khỏi biên bản. Nếu đây là người bị trùng, hãy gộp vào đúng người.",
        "This person has meeting records (attendance, ballots, proxies or opinions). Deleting "
        "removes them from the record. If this is a duplicate, merge it into the right person.",
    ),
    "delete_force": (
        "Tôi hiểu: xóa cả dữ liệu cuộc họp của người này",
        "I understand: delete this person's meeting records too",
    ),
    "delete_confirm": (
        "Xóa {name} và mọi dữ liệu của người này? Không thể hoàn tác.",
        "Delete {name} and everything of theirs? This cannot be undone.",
    ),
    "delete_button": ("Xóa vĩnh viễn", "Delete for good"),
    "ok_merged": ("Đã gộp.", "Merged."),
    "ok_deleted": ("Đã xóa người này.", "The person was deleted."),
    "action_person_merged": ("Gộp người", "People merged"),
    "action_person_deleted": ("Xóa người", "Person deleted"),
}
