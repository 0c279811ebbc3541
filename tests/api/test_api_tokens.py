"""Personal tokens: made with HTTP Basic only, shown once, acting with the account's current
role, refused once the account is disabled; listed and revoked by their owner or an admin."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient

PASSWORD = "mật khẩu dài đủ 10"
NO_BEARER = {"Authorization": ""}


def create_account(client: TestClient, username: str, role: str = "secretary") -> int:
    body = {"username": username, "display_name": username, "role": role, "password": PASSWORD}
    response = client.post("/api/v1/accounts", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def new_token(client: TestClient, username: str, **body: Any) -> httpx.Response:
    return client.post(
        "/api/v1/tokens",
        auth=httpx.BasicAuth(username, PASSWORD),
        headers=NO_BEARER,
        json=body or None,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_made_with_the_password_and_shown_once(client: TestClient) -> None:
    account_id = create_account(client, "thu.nt")
    made = new_token(client, "thu.nt", name="xuất báo cáo")
    assert made.status_code == 201, made.text
    assert set(made.json()) == {"id", "token", "name", "created_at"}
    assert made.json()["name"] == "xuất báo cáo"
    mine = client.get("/api/v1/tokens", headers=bearer(made.json()["token"]))
    assert mine.status_code == 200
    assert [t["id"] for t in mine.json()] == [made.json()["id"]]
    assert mine.json()[0]["account_id"] == account_id and "token" not in mine.json()[0]
    assert new_token(client, "thu.nt").status_code == 201  # no body: a generated name


def test_only_http_basic_makes_a_token(client: TestClient) -> None:
    create_account(client, "thu.nt")
    # The admin's bearer token (the client's default header) is not a password.
    assert client.post("/api/v1/tokens").status_code == 401
    wrong = client.post(
        "/api/v1/tokens", auth=httpx.BasicAuth("thu.nt", "not the password"), headers=NO_BEARER
    )
    assert wrong.status_code == 401 and wrong.json()["reason"] == "BAD_SIGN_IN"
    garbled = client.post("/api/v1/tokens", headers={"Authorization": "Basic !!!"})
    assert garbled.status_code == 401


def test_a_token_acts_with_the_accounts_current_role(client: TestClient) -> None:
    account_id = create_account(client, "thu.nt", role="admin")
    token = bearer(new_token(client, "thu.nt").json()["token"])
    assert client.get("/api/v1/people", headers=token).status_code == 200
    create_account(client, "lan.pt", role="admin")
    demoted = client.patch(f"/api/v1/accounts/{account_id}", json={"role": "viewer"})
    assert demoted.status_code == 200
    assert client.get("/api/v1/people", headers=token).status_code == 403
    assert client.get("/api/v1/tokens", headers=token).json()[0]["role"] == "viewer"


def test_a_disabled_accounts_tokens_and_password_are_refused(client: TestClient) -> None:
    account_id = create_account(client, "thu.nt")
    token = bearer(new_token(client, "thu.nt").json()["token"])
    assert client.get("/api/v1/tokens", headers=token).status_code == 200
    client.patch(f"/api/v1/accounts/{account_id}", json={"disabled": True})
    assert client.get("/api/v1/tokens", headers=token).status_code == 401
    refused = new_token(client, "thu.nt")
    assert refused.status_code == 403 and refused.json()["reason"] == "ACCOUNT_DISABLED"
    client.patch(f"/api/v1/accounts/{account_id}", json={"disabled": False})
    assert client.get("/api/v1/tokens", headers=token).status_code == 200


def test_owners_revoke_their_own_and_admins_any(client: TestClient) -> None:
    thu = create_account(client, "thu.nt")
    create_account(client, "lan.pt")
    thu_made = new_token(client, "thu.nt").json()
    lan_made = new_token(client, "lan.pt").json()
    thu_token, lan_token = bearer(thu_made["token"]), bearer(lan_made["token"])
    # Another's token is not found, and lists stay one's own.
    assert client.delete(f"/api/v1/tokens/{lan_made['id']}", headers=thu_token).status_code == 404
    assert client.get(f"/api/v1/tokens?account_id={thu}", headers=lan_token).status_code == 403
    assert client.delete(f"/api/v1/tokens/{thu_made['id']}", headers=thu_token).status_code == 200
    assert client.get("/api/v1/tokens", headers=thu_token).status_code == 401  # revoked itself
    # The admin (the bootstrap token) lists and revokes any account's.
    listed = client.get("/api/v1/tokens", params={"account_id": thu + 1}).json()
    assert [t["id"] for t in listed] == [lan_made["id"]]
    assert client.delete(f"/api/v1/tokens/{lan_made['id']}").status_code == 200
    assert client.get("/api/v1/tokens", headers=lan_token).status_code == 401
    actions = [e["action"] for e in client.get("/api/v1/audit").json()["items"]]
    assert actions.count("token_created") == 2 and actions.count("token_revoked") == 2


def test_a_password_change_keeps_tokens(client: TestClient) -> None:
    account_id = create_account(client, "thu.nt")
    token = bearer(new_token(client, "thu.nt").json()["token"])
    client.patch(f"/api/v1/accounts/{account_id}", json={"password": "một mật khẩu mới"})
    assert client.get("/api/v1/tokens", headers=token).status_code == 200
