"""Staff accounts over the API: admins create, list, read and change them; never a hash."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient

PASSWORD = "mật khẩu dài đủ 10"


def create(client: TestClient, username: str, role: str = "secretary", **extra: Any) -> Any:
    body = {"username": username, "display_name": "Nguyễn Thị Thu", "role": role}
    response = client.post("/api/v1/accounts", json={**body, "password": PASSWORD, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def basic(username: str, password: str = PASSWORD) -> httpx.BasicAuth:
    return httpx.BasicAuth(username, password)


def test_an_admin_creates_lists_reads_and_changes_an_account(client: TestClient) -> None:
    made = create(client, "Thu.NT")
    assert set(made) == {"id", "username", "display_name", "role", "disabled", "created_at"}
    assert made["username"] == "thu.nt" and made["role"] == "secretary" and not made["disabled"]
    listed = client.get("/api/v1/accounts").json()
    assert [a["username"] for a in listed] == ["thu.nt"]
    assert "password" not in str(listed) and "argon2" not in str(listed)
    assert client.get(f"/api/v1/accounts/{made['id']}").json() == made
    changed = client.patch(
        f"/api/v1/accounts/{made['id']}", json={"role": "viewer", "display_name": "Chị Thu"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "viewer" and changed.json()["display_name"] == "Chị Thu"
    assert client.get("/api/v1/accounts/999").status_code == 404


def test_bad_accounts_get_a_reason_and_nothing_is_written(client: TestClient) -> None:
    create(client, "thu.nt")
    cases = [
        ({"username": "thu.nt", "role": "viewer", "password": PASSWORD}, 409, "USERNAME_TAKEN"),
        ({"username": "lan.pt", "role": "viewer", "password": "short"}, 422, "WEAK_PASSWORD"),
        ({"username": "x", "role": "viewer", "password": PASSWORD}, 422, "INVALID_USERNAME"),
        ({"username": "lan.pt", "role": "owner", "password": PASSWORD}, 422, "INVALID_ROLE"),
    ]
    for body, status, reason in cases:
        response = client.post("/api/v1/accounts", json=body)
        assert response.status_code == status, response.text
        assert response.json()["reason"] == reason
        assert response.json()["detail"]
    assert len(client.get("/api/v1/accounts").json()) == 1


def test_the_last_admin_cannot_be_disabled_or_demoted(client: TestClient) -> None:
    admin = create(client, "admin.one", role="admin")
    for change in ({"disabled": True}, {"role": "viewer"}):
        response = client.patch(f"/api/v1/accounts/{admin['id']}", json=change)
        assert response.status_code == 409
        assert response.json()["reason"] == "LAST_ADMIN"
    assert client.get(f"/api/v1/accounts/{admin['id']}").json()["role"] == "admin"


def test_only_admins_manage_accounts(client: TestClient) -> None:
    create(client, "thu.nt")
    token = client.post("/api/v1/tokens", auth=basic("thu.nt"), headers={"Authorization": ""})
    assert token.status_code == 201, token.text
    secretary = {"Authorization": f"Bearer {token.json()['token']}"}
    assert client.get("/api/v1/accounts", headers=secretary).status_code == 403
    body = {"username": "lan.pt", "role": "admin", "password": PASSWORD}
    assert client.post("/api/v1/accounts", json=body, headers=secretary).status_code == 403
    assert client.get("/api/v1/accounts", headers={"Authorization": ""}).status_code == 401


def test_account_changes_are_audited(client: TestClient) -> None:
    made = create(client, "thu.nt")
    client.patch(f"/api/v1/accounts/{made['id']}", json={"role": "teacher"})
    client.patch(f"/api/v1/accounts/{made['id']}", json={"disabled": True})
    client.patch(f"/api/v1/accounts/{made['id']}", json={"password": "một mật khẩu mới"})
    entries = client.get("/api/v1/audit").json()
    actions = [e["action"] for e in entries["items"]]
    for action in ("account_created", "role_changed", "account_disabled", "password_changed"):
        assert action in actions
    assert PASSWORD not in str(entries) and "một mật khẩu mới" not in str(entries)
