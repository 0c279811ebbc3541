"""Two apps on one database (two workers): failed credentials and wrong passwords are
counted across both, so guesses spread over the workers get no more tries than against one."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, from_address, post

from attendance.settings import ThrottleSettings

PASSWORD = "mật khẩu dài đủ 10"
BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_wrong_tokens_through_two_workers_block_the_address_on_both(
    make_client: Callable[..., TestClient],
) -> None:
    limits = ThrottleSettings(failures=4, window_seconds=60)
    first, second = make_client(throttle=limits), make_client(throttle=limits)
    for n, worker in enumerate((first, second, first, second)):
        guess = from_address(worker, "10.0.5.1")
        answer = guess.get("/api/v1/people", headers={"Authorization": f"Bearer guess{n}"})
        assert answer.status_code == 401, answer.text
    for worker in (first, second):  # the right token too, on either worker
        refused = from_address(worker, "10.0.5.1").get("/api/v1/people", headers=BEARER)
        assert refused.status_code == 429, refused.text
        assert refused.json()["reason"] == "TOO_MANY_ATTEMPTS"
        assert 0 < int(refused.headers["retry-after"]) <= 60
    assert from_address(second, "10.0.5.2").get("/api/v1/people", headers=BEARER).is_success


def test_wrong_passwords_through_two_workers_lock_the_username_on_both(
    make_client: Callable[..., TestClient],
) -> None:
    first, second = make_client(), make_client()
    body = {"username": "thu.nt", "role": "secretary", "password": PASSWORD}
    assert first.post("/api/v1/accounts", json=body, headers=BEARER).status_code == 201
    for n in range(5):  # the default: five wrong passwords lock it, from any address
        worker = (first, second)[n % 2]
        wrong = from_address(worker, f"10.0.6.{n}").post(
            "/api/v1/tokens", auth=httpx.BasicAuth("thu.nt", f"sai {n}")
        )
        assert wrong.status_code == 401, wrong.text
    for worker in (first, second):
        locked = from_address(worker, "10.0.6.99").post(
            "/api/v1/tokens", auth=httpx.BasicAuth("thu.nt", PASSWORD)
        )
        assert locked.status_code == 429, locked.text
        assert locked.json()["reason"] == "ACCOUNT_LOCKED"
    signin = post(
        from_address(second, "10.0.6.98"), "/signin", {"username": "thu.nt", "password": PASSWORD}
    )
    assert signin.status_code == 429
