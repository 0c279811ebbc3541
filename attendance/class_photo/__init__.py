"""Attendance from one class photo: the pending photo and its proposed matches."""
