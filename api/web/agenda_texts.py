"""Visible strings of the agenda card on the polls page, in Vietnamese and English."""

from __future__ import annotations

AGENDA_TEXTS: dict[str, tuple[str, str]] = {
    "agenda_heading": ("Chương trình họp", "Agenda"),
    "agenda_hint": (
        "Các nội dung của cuộc họp theo thứ tự. Tài liệu, biểu quyết, ý kiến và phần kết luận "
        "của thông báo được xếp theo từng nội dung.",
        "The meeting's items in order. Documents, polls, opinions and the conclusion "
        "notice's conclusions are grouped by item.",
    ),
    "agenda_none": ("Chưa có nội dung nào.", "No items yet."),
    "agenda_item_n": ("Nội dung {position}", "Item {position}"),
    "agenda_new_title": ("Tên nội dung mới", "New item's title"),
    "agenda_add": ("Thêm nội dung", "Add the item"),
    "agenda_rename": ("Đổi tên", "Rename"),
    "agenda_up": ("Lên", "Up"),
    "agenda_down": ("Xuống", "Down"),
    "agenda_poll_item": ("Thuộc nội dung chương trình", "Agenda item"),
    "agenda_poll_none": ("Không thuộc nội dung nào", "No agenda item"),
    "ok_agenda_added": ("Đã thêm nội dung vào chương trình họp.", "The item was added."),
    "ok_agenda_renamed": ("Đã đổi tên nội dung.", "The item was renamed."),
    "ok_agenda_moved": ("Đã đổi thứ tự chương trình họp.", "The agenda's order was changed."),
}
