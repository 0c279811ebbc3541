"""The whole audit log page says what happened to staff accounts: whose account (by name
and username, or by the username the log kept once it is gone), the role change, the lock,
the token, the teachers assigned, and why a sign-in failed; in Vietnamese and English."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient
from sql_support import execute
from web_support import ADMIN_TOKEN, create_meeting, post, text_of

PASSWORD = "mật khẩu dài đủ 10"
BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _account(client: TestClient, username: str, name: str, role: str) -> int:
    body = {"username": username, "display_name": name, "role": role, "password": PASSWORD}
    response = client.post("/api/v1/accounts", json=body, headers=BEARER)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _rows(client: TestClient, query: str) -> dict[str, list[str]]:
    """The page's rows as text, by the action's words (each action's rows newest first)."""
    html = client.get(f"/audit?{query}").text
    rows: dict[str, list[str]] = {}
    for row in re.findall(r'<tr id="audit-\d+">(.*?)</tr>', html, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.setdefault(text_of(cells[3]), []).append(text_of(row))
    return rows


def _account_story(client: TestClient) -> int:
    tam = _account(client, "tam.nv", "Nguyễn Văn Tâm", "teacher")
    made = client.post(
        "/api/v1/tokens", auth=httpx.BasicAuth("tam.nv", PASSWORD), json={"name": "báo cáo"}
    )
    assert made.status_code == 201, made.text
    meeting = create_meeting(client, title="Lớp 10A1")
    put = client.put(
        f"/api/v1/meetings/{meeting}/staff", json={"account_ids": [tam]}, headers=BEARER
    )
    assert put.status_code == 200, put.text
    for change in ({"role": "viewer"}, {"disabled": True}):
        done = client.patch(f"/api/v1/accounts/{tam}", json=change, headers=BEARER)
        assert done.status_code == 200, done.text
    locked = {"username": "tam.nv", "password": PASSWORD, "next": "/meetings"}
    assert post(client, "/signin", locked).status_code in (401, 403)  # disabled
    return tam


def test_account_entries_name_the_account_and_say_what_changed(client: TestClient) -> None:
    tam = _account_story(client)
    vi = _rows(client, "lang=vi")
    assert f"Nguyễn Văn Tâm (tam.nv) #{tam} vai trò: Giáo viên → Chỉ xem" in vi["Đổi vai trò"][0]
    assert f"Nguyễn Văn Tâm (tam.nv) #{tam} vai trò: Giáo viên" in vi["Tạo tài khoản"][0]
    assert f"Nguyễn Văn Tâm (tam.nv) #{tam} đã khóa" in vi["Khóa tài khoản"][0]
    assert "mã: báo cáo" in vi["Tạo mã truy cập cá nhân"][0]
    assert "Phân công thêm: Nguyễn Văn Tâm (tam.nv)." in vi["Phân công giáo viên/người xem"][0]
    failed = vi["Đăng nhập không thành công"][0]
    assert "tên đăng nhập đã gõ: tam.nv" in failed and "từ địa chỉ" in failed
    assert "tài khoản đã bị khóa" in failed  # ACCOUNT_DISABLED, in words
    en = _rows(client, "lang=en")
    assert f"Nguyễn Văn Tâm (tam.nv) #{tam} role: Teacher → Viewer" in en["Role changed"][0]
    assert "disabled" in en["Account disabled"][0]
    assert "Assigned: Nguyễn Văn Tâm (tam.nv)." in en["Teachers/viewers assigned"][0]
    assert "the account is disabled" in en["Sign-in failed"][0]
    assert "with the admin token from the address testclient" in en["Signed in"][0]


def test_a_wrong_admin_token_and_a_removed_account_are_still_readable(
    anonymous: TestClient, database_url: str
) -> None:
    assert post(anonymous, "/signin", {"token": "sai", "next": "/meetings"}).status_code == 401
    post(anonymous, "/signin", {"token": ADMIN_TOKEN, "next": "/meetings"})
    tam = _account(anonymous, "tam.nv", "Nguyễn Văn Tâm", "teacher")
    # An account gone (not possible in the product yet).
    execute(database_url, "DELETE FROM staff_accounts WHERE id = :id", id=tam)
    vi = _rows(anonymous, "lang=vi")
    assert "bằng mã quản trị" in vi["Đăng nhập không thành công"][0]
    assert "sai tên đăng nhập hoặc mật khẩu (hoặc mã)" in vi["Đăng nhập không thành công"][0]
    assert f"tam.nv (đã xóa) #{tam} vai trò: Giáo viên" in vi["Tạo tài khoản"][0]
