"""Enrollment: photos to quality-checked face templates."""
