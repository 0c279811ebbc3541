"""Texts of the conclusion notice page and the absence reasons on the roster, in Vietnamese
and English."""

from __future__ import annotations

NOTICE_TEXTS: dict[str, tuple[str, str]] = {
    # The roster: why someone stays away (the conclusion notice names it).
    "absence_reason": ("Lý do vắng", "Absence reason"),
    "absence_reason_hint": (
        "Lý do vắng mặt (nếu đã báo), tối đa 300 ký tự",
        "Why they stay away (if they sent word), at most 300 characters",
    ),
    "ok_absence_reason_saved": ("Đã lưu lý do vắng.", "The absence reason was saved."),
    "action_absence_reason_set": ("Ghi lý do vắng", "Absence reason noted"),
    "action_absence_reason_cleared": ("Xóa lý do vắng", "Absence reason cleared"),
}
