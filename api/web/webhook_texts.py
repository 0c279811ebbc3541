"""Texts of the webhooks page (/webhooks), in Vietnamese and English."""

from __future__ import annotations

WEBHOOK_TEXTS: dict[str, tuple[str, str]] = {
    "nav_webhooks": ("Webhook", "Webhooks"),
    "webhooks_title": ("Webhook gửi sự kiện ra ngoài", "Webhooks: events to other systems"),
    "webhooks_hint": (
        "Mỗi sự kiện được gửi (POST, JSON, có chữ ký HMAC-SHA256) tới địa chỉ đã đăng ký, gửi "
        "lại khi lỗi cho đến khi thành công; bên nhận loại trùng theo mã sự kiện (id).",
        "Each event is sent (POST, JSON, signed with HMAC-SHA256) to the registered address and "
        "retried on failure until it succeeds; the receiver drops duplicates by the event id.",
    ),
    "webhooks_none": ("Chưa có webhook nào.", "There are no webhooks yet."),
    "webhook_url": ("Địa chỉ nhận (URL)", "Receiver URL"),
    "webhook_events": ("Sự kiện", "Events"),
    "webhook_secret": ("Khóa bí mật (ít nhất 16 ký tự)", "Secret (at least 16 characters)"),
    "webhook_secret_hint": (
        "Bên nhận dùng khóa này để kiểm tra chữ ký; khóa không được hiển thị lại.",
        "The receiver checks signatures with it; it is not shown again.",
    ),
    "webhook_state": ("Trạng thái", "State"),
    "webhook_active": ("Đang gửi", "Sending"),
    "webhook_disabled": ("Đã tắt", "Disabled"),
    "webhook_enable": ("Bật lại", "Enable"),
    "webhook_disable": ("Tắt", "Disable"),
    "webhook_delete": ("Xóa", "Delete"),
    "webhook_delete_confirm": (
        "Xóa webhook và các lần gửi của nó (các lần chờ gửi sẽ không được gửi)",
        "Delete the webhook and its deliveries (those waiting are not sent)",
    ),
    "new_webhook": ("Thêm webhook", "Add a webhook"),
    "add_webhook": ("Thêm", "Add"),
    "deliveries_title": ("Các lần gửi gần đây", "Recent deliveries"),
    "deliveries_none": ("Chưa gửi lần nào.", "Nothing sent yet."),
    "delivery_event": ("Sự kiện", "Event"),
    "delivery_event_id": ("Mã sự kiện", "Event id"),
    "delivery_about": ("Về ai", "About"),
    "delivery_status": ("Kết quả", "Status"),
    "delivery_attempts": ("Số lần thử", "Attempts"),
    "delivery_last_error": ("Lỗi gần nhất", "Last error"),
    "delivery_next": ("Thử lại lúc", "Next try"),
    "delivery_pending": ("Chờ gửi", "Pending"),
    "delivery_delivered": ("Đã gửi", "Delivered"),
    "delivery_failed": ("Thất bại (đã dừng thử)", "Failed (given up)"),
    "event_arrived": ("Đến đúng giờ", "Arrived"),
    "event_late": ("Đi muộn", "Late"),
    "event_absent": ("Vắng mặt", "Absent"),
    "event_left": ("Ra về", "Left"),
    "event_poll_closed": ("Kết thúc biểu quyết", "Poll closed"),
    "ok_webhook_created": ("Đã thêm webhook.", "The webhook was added."),
    "ok_webhook_saved": ("Đã lưu webhook.", "The webhook was saved."),
    "ok_webhook_deleted": ("Đã xóa webhook.", "The webhook was deleted."),
    "action_webhook_created": ("Thêm webhook", "Webhook added"),
    "action_webhook_changed": ("Sửa webhook", "Webhook changed"),
    "action_webhook_deleted": ("Xóa webhook", "Webhook deleted"),
}
