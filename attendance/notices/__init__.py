"""The conclusion notice (thông báo kết luận) drafted from a meeting's data (issue 14)."""
