"""Signing in with a username and password, the accounts page (admins) and one's own."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, post, text_of

PASSWORD = "mật khẩu dài đủ 10"
BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def make_account(client: TestClient, username: str, role: str = "secretary") -> int:
    body = {"username": username, "display_name": "Nguyễn Thị Thu", "role": role}
    response = client.post("/api/v1/accounts", json={**body, "password": PASSWORD}, headers=BEARER)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def sign_in_as(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    return post(
        client, "/signin", {"username": username, "password": password, "next": "/meetings"}
    )


def test_before_the_first_account_the_admin_token_comes_first(anonymous: TestClient) -> None:
    page = anonymous.get("/signin")
    assert 'name="token"' in page.text and 'name="password"' not in page.text
    assert "attendance admin create" in page.text


def test_the_sign_in_page_asks_for_username_and_password_first(anonymous: TestClient) -> None:
    make_account(anonymous, "thu.nt")
    page = anonymous.get("/signin")
    assert 'name="username"' in page.text and 'name="password"' in page.text
    assert page.text.index('name="username"') < page.text.index('name="token"')
    assert "Đăng nhập bằng mã quản trị" in page.text
    english = anonymous.get("/signin?lang=en")
    assert "Username" in english.text and "Sign in with the admin token" in english.text


def test_an_account_signs_in_and_reaches_pages_and_the_api(anonymous: TestClient) -> None:
    account_id = make_account(anonymous, "thu.nt", role="admin")
    response = sign_in_as(anonymous, "Thu.NT")
    assert response.status_code == 303 and response.headers["location"] == "/meetings"
    assert PASSWORD not in response.headers["set-cookie"]
    page = anonymous.get("/meetings")
    assert page.status_code == 200 and "Nguyễn Thị Thu (thu.nt)" in page.text
    assert 'href="/accounts"' in page.text  # an admin's nav
    assert anonymous.get("/api/v1/meetings").status_code == 200  # the cookie, as the admin
    log = anonymous.get("/api/v1/audit", params={"action": "sign_in"}, headers=BEARER).json()
    assert log["items"][0]["actor"] == "Nguyễn Thị Thu (thu.nt)"
    assert f"account:{account_id}" in str(log["items"][0])


def test_a_wrong_password_is_refused_and_audited_without_the_password(
    anonymous: TestClient,
) -> None:
    make_account(anonymous, "thu.nt", role="admin")
    response = sign_in_as(anonymous, "thu.nt", "sai mật khẩu rồi")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in text_of(response.text)
    assert "set-cookie" not in response.headers
    assert 'value="thu.nt"' in response.text  # the username stays typed in
    log = anonymous.get("/api/v1/audit", params={"action": "sign_in_failed"}, headers=BEARER)
    items = log.json()["items"]
    assert len(items) == 1 and "thu.nt" in str(items[0]) and "sai mật khẩu" not in str(items)
    sign_in_as(anonymous, "thu.nt")
    page = text_of(anonymous.get("/audit").text)
    assert "Đăng nhập không thành công" in page and "sai mật khẩu" not in page
    assert "Signed in" in text_of(anonymous.get("/audit?lang=en").text)


def test_a_disabled_account_is_signed_out_and_cannot_sign_in(anonymous: TestClient) -> None:
    account_id = make_account(anonymous, "thu.nt")
    assert sign_in_as(anonymous, "thu.nt").status_code == 303
    assert anonymous.get("/meetings").status_code == 200
    off = anonymous.patch(f"/api/v1/accounts/{account_id}", json={"disabled": True}, headers=BEARER)
    assert off.status_code == 200
    assert anonymous.get("/meetings", follow_redirects=False).status_code == 303
    refused = sign_in_as(anonymous, "thu.nt")
    assert refused.status_code == 403 and "đã bị khóa" in refused.text


def test_a_new_password_signs_the_account_out(anonymous: TestClient) -> None:
    account_id = make_account(anonymous, "thu.nt")
    assert sign_in_as(anonymous, "thu.nt").status_code == 303
    changed = anonymous.patch(
        f"/api/v1/accounts/{account_id}", json={"password": "một mật khẩu mới"}, headers=BEARER
    )
    assert changed.status_code == 200
    assert anonymous.get("/meetings", follow_redirects=False).status_code == 303
    assert sign_in_as(anonymous, "thu.nt", "một mật khẩu mới").status_code == 303


def test_an_admin_manages_accounts_on_the_page(client: TestClient) -> None:
    page = client.get("/accounts")
    assert page.status_code == 200 and "Tài khoản nhân viên" in page.text
    form = {"username": "lan.pt", "display_name": "Phạm Thị Lan", "role": "teacher"}
    weak = post(client, "/accounts", {**form, "password": "ngắn"})
    assert weak.status_code == 422 and "ít nhất 10 ký tự" in weak.text
    assert 'value="lan.pt"' in weak.text  # what was typed stays
    made = post(client, "/accounts", {**form, "password": PASSWORD})
    assert made.status_code == 303
    listed = client.get("/api/v1/accounts", headers=BEARER).json()
    account_id = listed[0]["id"]
    assert listed[0]["role"] == "teacher"
    assert post(client, f"/accounts/{account_id}", {"role": "viewer"}).status_code == 303
    assert post(client, f"/accounts/{account_id}", {"disabled": "1"}).status_code == 303
    now = client.get(f"/api/v1/accounts/{account_id}", headers=BEARER).json()
    assert now["role"] == "viewer" and now["disabled"] is True
    page = client.get("/accounts?lang=en")
    assert "Staff accounts" in page.text and "Disabled" in page.text


def test_the_accounts_page_is_for_admins_only(anonymous: TestClient) -> None:
    make_account(anonymous, "thu.nt", role="secretary")
    sign_in_as(anonymous, "thu.nt")
    assert anonymous.get("/accounts").status_code == 403
    assert 'href="/accounts"' not in anonymous.get("/meetings").text


def test_one_changes_ones_own_password_and_stays_signed_in_here_only(
    make_client: Callable[..., TestClient],
) -> None:
    here = make_client()
    make_account(here, "thu.nt")
    elsewhere = TestClient(here.app, raise_server_exceptions=False)
    elsewhere.app_state.update(here.app_state)
    assert sign_in_as(here, "thu.nt").status_code == 303
    assert sign_in_as(elsewhere, "thu.nt").status_code == 303
    form = {"current_password": "không đúng", "new_password": "một mật khẩu mới"}
    wrong = post(here, "/account/password", {**form, "new_password_again": "một mật khẩu mới"})
    assert wrong.status_code == 422  # the form's field, not a sign-in refused
    form["current_password"] = PASSWORD
    differ = post(here, "/account/password", {**form, "new_password_again": "khác hẳn đi"})
    assert differ.status_code == 422 and "không giống nhau" in differ.text
    done = post(here, "/account/password", {**form, "new_password_again": "một mật khẩu mới"})
    assert done.status_code == 303, done.text
    assert here.get("/account").status_code == 200  # a fresh session for this browser
    assert elsewhere.get("/account", follow_redirects=False).status_code == 303


def test_one_lists_and_revokes_ones_own_tokens_on_the_page(anonymous: TestClient) -> None:
    make_account(anonymous, "thu.nt")
    made = anonymous.post(
        "/api/v1/tokens", auth=httpx.BasicAuth("thu.nt", PASSWORD), json={"name": "báo cáo"}
    )
    assert made.status_code == 201, made.text
    sign_in_as(anonymous, "thu.nt")
    page = anonymous.get("/account")
    assert "báo cáo" in page.text and made.json()["token"] not in page.text
    revoked = post(anonymous, f"/account/tokens/{made.json()['id']}/revoke", {})
    assert revoked.status_code == 303
    token = {"Authorization": f"Bearer {made.json()['token']}"}
    assert anonymous.get("/api/v1/tokens", headers=token).status_code == 401
    assert "báo cáo" not in anonymous.get("/account").text


def test_the_admin_token_still_signs_in(client: TestClient) -> None:
    page = client.get("/account")
    assert page.status_code == 200 and "mã quản trị" in page.text
    assert client.get("/meetings").status_code == 200
