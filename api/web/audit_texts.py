"""Texts of the audit log pages (one meeting's, and the whole log), in Vietnamese and English."""

from __future__ import annotations

AUDIT_TEXTS: dict[str, tuple[str, str]] = {
    "nav_audit": ("Nhật ký", "Audit log"),
    "audit_all": ("Toàn bộ nhật ký thao tác", "The whole audit log"),
    "audit_all_hint": (
        "Mọi thao tác, mới nhất trước: của mọi cuộc họp (kể cả cuộc họp đã xóa) và những "
        "thao tác không thuộc cuộc họp nào (xóa người, gộp người).",
        "Every entry, newest first: every meeting's (deleted meetings included) and those "
        "of no meeting (people deleted or merged).",
    ),
    "audit_meeting": ("Cuộc họp", "Meeting"),
    "audit_meeting_entries": ("xem nhật ký", "see its log"),
    "audit_filter_action": ("Loại thao tác", "Action"),
    "audit_all_actions": ("Tất cả", "All"),
    "audit_filter": ("Lọc", "Filter"),
    "audit_only_meeting": (
        "Chỉ các thao tác của cuộc họp số {id}.",
        "Only the entries of meeting {id}.",
    ),
    "audit_show_all": ("Xem tất cả", "Show all"),
    "action_template_added": ("Thêm ảnh khuôn mặt", "Face photo enrolled"),
    "action_template_erased": ("Xóa một ảnh khuôn mặt", "Face photo erased"),
    "action_second_template_added": (
        "Thêm mẫu của mô hình thứ hai cho ảnh khuôn mặt",
        "Second-model template added to a face photo",
    ),
    "audit_filter_actor": ("Người thực hiện", "Done by"),
    "audit_all_actors": ("Tất cả", "Anyone"),
    "audit_their_log": ("Nhật ký về người này", "The log about this person"),
    "audit_only_person": (
        "Chỉ các thao tác về {name} hoặc do người này thực hiện.",
        "Only the entries about {name} or by them.",
    ),
    "audit_verify": ("Kiểm tra chuỗi", "Verify chain"),
    "audit_verify_hint": (
        "Mỗi mục nhật ký mang mã băm SHA-256 của mục trước nó. Kiểm tra tính lại toàn bộ "
        "chuỗi: một mục bị sửa, bị xóa hay bị chèn vào sẽ bị chỉ ra.",
        "Each audit entry carries the SHA-256 hash of the one before it. The check computes "
        "the whole chain again: an entry changed, removed or inserted is named.",
    ),
    "audit_chain_intact": (
        "Chuỗi nguyên vẹn: {entries} mục.",
        "Chain intact: {entries} entries.",
    ),
    "audit_chain_broken": ("Chuỗi bị phá vỡ:", "The chain is broken:"),
    "audit_chain_head": ("Đầu chuỗi (mục mới nhất)", "Chain head (the newest entry)"),
    "audit_chain_seq": ("mục số {seq}", "entry {seq}"),
    "audit_anchor_hint": (
        "Hãy ghi lại mã băm đầu chuỗi ở nơi khác (hoặc chạy attendance audit anchor): nó "
        "chứng minh sau này rằng không mục nào mới hơn đã bị cắt bỏ.",
        "Note the head's hash down elsewhere (or run attendance audit anchor): it proves "
        "later that no newer entry was cut off.",
    ),
    "audit_newer": ("← Mới hơn", "← Newer"),
    "audit_older": ("Cũ hơn →", "Older →"),
    "audit_page": ("Trang {page}/{pages} ({total} thao tác)", "Page {page} of {pages} ({total})"),
    "audit_on_arrival": ("khi điểm danh", "at check-in"),
    "audit_import_replace": ("Thay cả danh sách", "Replaced the roster"),
    "audit_import_add": ("Thêm vào danh sách", "Added to the roster"),
    "audit_import_file": ("từ tệp {name}", "from the file {name}"),
    "audit_import_counts": (
        "{created} người mới, {matched} người đã có ({updated} được cập nhật), {removed} "
        "bỏ khỏi danh sách, {kept} giữ lại vì đã điểm danh, {skipped} dòng bỏ qua; danh "
        "sách có {roster} người.",
        "{created} new, {matched} already known ({updated} updated), {removed} taken off, "
        "{kept} kept as they had checked in, {skipped} rows skipped; {roster} on the roster.",
    ),
    "audit_merged": ("{source} #{source_id} gộp vào người này", "{source} #{source_id} merged in"),
    "action_roster_imported": ("Nhập danh sách từ tệp", "Roster imported"),
    "audit_vote_given": ("được quyền biểu quyết", "given a vote"),
    "audit_vote_taken": ("không còn quyền biểu quyết", "vote taken away"),
    "action_roster_replaced": ("Đặt lại cả danh sách", "Roster set as a whole"),
    "audit_roster_counts": (
        "{added} người thêm vào, {removed} người bỏ khỏi danh sách, {rights_changed} người "
        "đổi quyền biểu quyết, {proxies_revoked} ủy quyền và {links_revoked} liên kết bỏ "
        "phiếu bị hủy; danh sách có {roster} người.",
        "{added} added, {removed} taken off, {rights_changed} with voting rights changed, "
        "{proxies_revoked} proxies and {links_revoked} voting links revoked; {roster} on the "
        "roster.",
    ),
    "audit_people_added": ("Thêm", "Added"),
    "audit_people_removed": ("Bỏ khỏi danh sách", "Taken off"),
    "audit_people_rights_changed": ("Đổi quyền biểu quyết", "Voting rights changed"),
    "audit_people_kept": ("Giữ lại vì đã điểm danh", "Kept as they had checked in"),
    "audit_people_updated": ("Cập nhật chức vụ, đơn vị", "Title or unit updated"),
    # Staff accounts and sign-ins.
    "action_sign_in": ("Đăng nhập", "Signed in"),
    "action_sign_in_failed": ("Đăng nhập không thành công", "Sign-in failed"),
    "action_sign_out": ("Đăng xuất", "Signed out"),
    "action_account_created": ("Tạo tài khoản", "Account created"),
    "action_role_changed": ("Đổi vai trò", "Role changed"),
    "action_account_disabled": ("Khóa tài khoản", "Account disabled"),
    "action_account_enabled": ("Mở lại tài khoản", "Account enabled"),
    "action_password_changed": ("Đổi mật khẩu", "Password changed"),
    "action_token_created": ("Tạo mã truy cập cá nhân", "Personal token created"),
    "action_token_revoked": ("Thu hồi mã truy cập cá nhân", "Personal token revoked"),
    # The whole log's filters by meeting and by a person's name.
    "audit_all_meetings": ("Tất cả cuộc họp", "All meetings"),
    "audit_filter_person": ("Người (gõ tên)", "Person (type a name)"),
    "audit_person_placeholder": ("vd. Nguyen Van An", "e.g. Nguyen Van An"),
    "audit_person_matches": (
        "Các thao tác về những người có tên khớp với “{name}”:",
        "The entries about the people whose names match “{name}”:",
    ),
    "audit_person_none": (
        "Không có ai tên khớp với “{name}”.",
        "Nobody's name matches “{name}”.",
    ),
    # What an account's entry did, in words (role names: account_texts.py role_*).
    "audit_role": ("vai trò: {role}", "role: {role}"),
    "audit_role_change": ("vai trò: {old} → {new}", "role: {old} → {new}"),
    "audit_account_disabled": ("đã khóa", "disabled"),
    "audit_account_enabled": ("đã mở lại", "enabled again"),
    "audit_password_changed": ("mật khẩu mới", "a new password"),
    "audit_token": ("mã: {name}", "token: {name}"),
    "audit_by_password": ("bằng mật khẩu", "with a password"),
    "audit_by_token": ("bằng mã quản trị", "with the admin token"),
    "audit_username_tried": ("tên đăng nhập đã gõ: {name}", "username tried: {name}"),
    "audit_address": ("từ địa chỉ {address}", "from the address {address}"),
    "audit_staff_added": ("Phân công thêm", "Assigned"),
    "audit_staff_removed": ("Thôi phân công", "No longer assigned"),
    # Why a sign-in failed: the error code the entry kept.
    "sign_in_reason_BAD_SIGN_IN": (
        "sai tên đăng nhập hoặc mật khẩu (hoặc mã)",
        "wrong username or password (or token)",
    ),
    "sign_in_reason_ACCOUNT_DISABLED": ("tài khoản đã bị khóa", "the account is disabled"),
    "sign_in_reason_ACCOUNT_LOCKED": (
        "tài khoản tạm khóa vì sai mật khẩu nhiều lần",
        "the account is locked for a while after too many wrong passwords",
    ),
    "sign_in_reason_TOO_MANY_ATTEMPTS": (
        "thử quá nhiều lần từ địa chỉ này",
        "too many attempts from this address",
    ),
    "sign_in_reason_UNAUTHORIZED": ("không được xác thực", "not authenticated"),
    "sign_in_reason_FORBIDDEN": (
        "tài khoản không có quyền dùng trang này",
        "the account may not use this page",
    ),
}
