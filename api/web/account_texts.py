"""Texts of the sign-in page and the accounts pages, in Vietnamese and English."""

from __future__ import annotations

ACCOUNT_TEXTS: dict[str, tuple[str, str]] = {
    "username": ("Tên đăng nhập", "Username"),
    "password": ("Mật khẩu", "Password"),
    "sign_in_with_token": ("Đăng nhập bằng mã quản trị", "Sign in with the admin token"),
    "sign_in_token_hint": (
        "Cách tạm thời cho những phút đầu, trước khi có tài khoản: dùng mã quản trị được in ra "
        "khi máy chủ khởi động lần đầu (hoặc ATTEND_ADMIN_TOKEN). Sau đó hãy tạo tài khoản "
        "bằng lệnh attendance admin create.",
        "A bootstrap for the first minutes, before there are accounts: the admin token printed "
        "when the server first started (or ATTEND_ADMIN_TOKEN). Then create accounts with "
        "attendance admin create.",
    ),
    "sign_in_no_accounts": (
        "Chưa có tài khoản nào: hãy đăng nhập bằng mã quản trị được in ra khi máy chủ khởi "
        "động lần đầu (hoặc ATTEND_ADMIN_TOKEN), rồi tạo tài khoản quản trị đầu tiên bằng lệnh "
        "attendance admin create TÊN trên máy chủ.",
        "There are no accounts yet: sign in with the admin token printed when the server first "
        "started (or ATTEND_ADMIN_TOKEN), then create the first admin with attendance admin "
        "create USERNAME on the server.",
    ),
    "nav_accounts": ("Tài khoản", "Accounts"),
    "accounts_title": ("Tài khoản nhân viên", "Staff accounts"),
    "accounts_none": (
        "Chưa có tài khoản nào.",
        "No accounts yet.",
    ),
    "display_name": ("Tên hiển thị", "Display name"),
    "role": ("Vai trò", "Role"),
    "role_admin": ("Quản trị", "Admin"),
    "role_secretary": ("Thư ký", "Secretary"),
    "role_teacher": ("Giáo viên", "Teacher"),
    "role_viewer": ("Chỉ xem", "Viewer"),
    "account_state": ("Trạng thái", "State"),
    "account_active": ("Đang hoạt động", "Active"),
    "account_disabled": ("Đã khóa", "Disabled"),
    "account_disable": ("Khóa", "Disable"),
    "account_enable": ("Mở lại", "Enable"),
    "change_role": ("Đổi vai trò", "Change role"),
    "new_account": ("Tạo tài khoản", "New account"),
    "new_password": ("Mật khẩu mới", "New password"),
    "new_password_again": ("Nhập lại mật khẩu mới", "New password again"),
    "set_password": ("Đặt mật khẩu", "Set password"),
    "password_rules": (
        "Ít nhất 10 ký tự, không trùng tên đăng nhập. Đổi mật khẩu sẽ đăng xuất mọi phiên "
        "đăng nhập của tài khoản (mã truy cập cá nhân vẫn giữ nguyên).",
        "At least 10 characters, not the username. A new password signs the account out "
        "everywhere (its personal tokens stay).",
    ),
    "passwords_differ": (
        "Hai lần nhập mật khẩu mới không giống nhau.",
        "The two new passwords are not the same.",
    ),
    "my_account": ("Tài khoản của tôi", "My account"),
    "current_password": ("Mật khẩu hiện tại", "Current password"),
    "change_password": ("Đổi mật khẩu", "Change password"),
    "my_tokens": ("Mã truy cập cá nhân", "Personal tokens"),
    "my_tokens_hint": (
        "Dành cho các chương trình gọi API, với vai trò của tài khoản này. Tạo mã bằng "
        "POST /api/v1/tokens với tên đăng nhập và mật khẩu (HTTP Basic); mã chỉ hiện một lần.",
        "For scripts calling the API, acting with this account's role. Create one with "
        "POST /api/v1/tokens and the username and password (HTTP Basic); it is shown once.",
    ),
    "my_tokens_none": ("Chưa có mã nào.", "No tokens."),
    "token_name": ("Tên mã", "Name"),
    "created": ("Tạo lúc", "Created"),
    "revoke_token": ("Thu hồi", "Revoke"),
    "no_account_session": (
        "Bạn đang đăng nhập bằng mã quản trị, không phải một tài khoản.",
        "You signed in with the admin token, not as an account.",
    ),
    "ok_password_changed": (
        "Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc.",
        "Password changed; your other sign-ins have ended.",
    ),
    "ok_token_revoked": ("Đã thu hồi mã.", "The token was revoked."),
}
