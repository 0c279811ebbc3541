"""The audit log page names the school entries in words: a class created, its teachers
changed (by name and username), a student's details changed; in Vietnamese and English."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
CLASS = {"name": "6A1", "school": "THCS Long Biên", "school_year": "2026-2027"}


def _rows(client: TestClient, query: str) -> dict[str, list[str]]:
    html = client.get(f"/audit?{query}").text
    rows: dict[str, list[str]] = {}
    for row in re.findall(r'<tr id="audit-\d+">(.*?)</tr>', html, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.setdefault(text_of(cells[3]), []).append(text_of(row))
    return rows


def test_class_entries_are_named_in_both_languages(client: TestClient) -> None:
    body = {
        "username": "tam.nv",
        "display_name": "Nguyễn Văn Tâm",
        "role": "teacher",
        "password": "mật khẩu dài đủ 10",
    }
    made = client.post("/api/v1/accounts", json=body, headers=BEARER)
    assert made.status_code == 201, made.text
    tam = made.json()["id"]
    created = client.post("/api/v1/classes", json=CLASS | {"teacher_ids": [tam]}, headers=BEARER)
    assert created.status_code == 201, created.text
    vi = _rows(client, "lang=vi")
    assert len(vi["Tạo lớp"]) == 1
    assert "Nguyễn Văn Tâm (tam.nv)" in vi["Đổi giáo viên của lớp"][0]
    en = _rows(client, "lang=en")
    assert "Nguyễn Văn Tâm (tam.nv)" in en["Class teachers changed"][0]
    assert len(en["Class created"]) == 1
