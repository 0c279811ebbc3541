"""Exports of a meeting: the attendance list as XLSX or CSV, the report and minutes as PDF."""
