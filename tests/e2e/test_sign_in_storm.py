"""Many wrong sign-ins at once through a real server (attack report 13, F2): no more
passwords are checked than the per-address and per-username limits allow, nothing answers
500 (the connection pool is not exhausted), and a kiosk checking people in meanwhile is served.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-admin-token-0123456789abcdef"
PASSWORD = "mật khẩu dài đủ 10"
STORM = 60


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def kiosk_setup(admin: httpx.Client) -> tuple[int, list[int], str]:
    ids = [
        ok(admin.post("/api/v1/people", json={"full_name": f"Trần Thị Lan {n}"}), 201)["id"]
        for n in range(12)
    ]
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(second=0, microsecond=0)
    meeting = ok(
        admin.post(
            "/api/v1/meetings",
            json={
                "title": "Giao ban tuần",
                "room": "P1",
                "starts_at": day.replace(hour=0, minute=0).isoformat(),
                "ends_at": day.replace(hour=23, minute=59).isoformat(),
            },
        ),
        201,
    )["id"]
    ok(admin.put(f"/api/v1/meetings/{meeting}/participants", json={"person_ids": ids}))
    made = admin.post("/api/v1/kiosk-tokens", json={"name": "cửa A", "room": "P1"})
    kiosk = ok(made, 201)["token"]
    return meeting, ids, kiosk


def test_a_storm_of_wrong_sign_ins_checks_no_more_than_the_limits_and_answers_no_500(
    database_url: str, start_server: StartServer
) -> None:
    server = start_server(database_url, TOKEN)
    admin = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120
    )
    body = {"username": "thu.nt", "role": "secretary", "password": PASSWORD}
    ok(admin.post("/api/v1/accounts", json=body), 201)
    meeting, people, kiosk = kiosk_setup(admin)

    def guess(n: int, username: str, address: str) -> int:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            return client.post(
                "/api/v1/tokens",
                auth=httpx.BasicAuth(username, f"sai mật khẩu {n}"),
                headers={"X-Forwarded-For": address},
            ).status_code

    def check_in(n: int) -> int:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            return client.post(
                f"/api/v1/meetings/{meeting}/checkins",
                json={"person_id": people[n], "source": "kiosk", "idempotency_key": f"k{n}"},
                headers={"Authorization": f"Bearer {kiosk}"},
            ).status_code

    with ThreadPoolExecutor(max_workers=STORM + 12) as pool:
        # One address, a different made-up username each: the address's limit (10).
        by_address = [pool.submit(guess, n, f"khach{n}", "10.4.4.4") for n in range(STORM)]
        kiosk_answers = [pool.submit(check_in, n) for n in range(12)]
        address_codes = Counter(f.result() for f in by_address)
        kiosk_codes = Counter(f.result() for f in kiosk_answers)
    assert address_codes[401] <= 10, address_codes
    assert address_codes[401] + address_codes[429] == STORM, address_codes
    assert kiosk_codes == Counter({201: 12}), kiosk_codes

    with ThreadPoolExecutor(max_workers=STORM) as pool:
        # One username, a different address each: the username's limit (5).
        by_user = [pool.submit(guess, n, "thu.nt", f"10.5.{n}.1") for n in range(STORM)]
        user_codes = Counter(f.result() for f in by_user)
    assert user_codes[401] <= 5, user_codes
    assert user_codes[401] + user_codes[429] == STORM, user_codes
    assert user_codes[401] >= 1  # the guesses were checked, not all refused unread
    locked = httpx.post(
        f"{server.url}/api/v1/tokens",
        auth=httpx.BasicAuth("thu.nt", PASSWORD),
        headers={"X-Forwarded-For": "10.6.0.1"},
    )
    assert locked.status_code == 429, locked.text
    assert locked.json()["reason"] == "ACCOUNT_LOCKED"
    assert "Traceback" not in server.stdout
