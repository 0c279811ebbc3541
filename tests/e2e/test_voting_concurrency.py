"""Two hundred delegates voting at once through a real server: every ballot counted once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from e2e_server import StartServer
from sql_support import scalar

pytestmark = pytest.mark.slow

TOKEN = "e2e-admin-token-0123456789abcdef"
VOTERS = 200
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Minh", "Quang", "Ngọc")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Ánh")


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_two_hundred_members_casting_at_once_count_exactly_two_hundred(
    database_url: str, start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(database_url, TOKEN)
    admin = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
    )
    names = [
        f"{FAMILY[i % 10]} {MIDDLE[i // 10 % 5]} {GIVEN[i // 50 % 10]} {i:03d}"
        for i in range(VOTERS)
    ]
    ids = [ok(admin.post("/api/v1/people", json={"full_name": n}), 201)["id"] for n in names]
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(second=0, microsecond=0)
    meeting = ok(
        admin.post(
            "/api/v1/meetings",
            json={
                "title": "Kỳ họp thứ 9 Hội đồng nhân dân thành phố",
                "starts_at": day.replace(hour=0, minute=0).isoformat(),
                "ends_at": day.replace(hour=23, minute=59).isoformat(),
            },
        ),
        201,
    )["id"]
    ok(admin.put(f"/api/v1/meetings/{meeting}/participants", json={"person_ids": ids}))
    links = []
    for person_id in ids:
        event = ok(
            admin.post(
                f"/api/v1/meetings/{meeting}/checkins",
                json={
                    "person_id": person_id,
                    "source": "cửa A",
                    "idempotency_key": f"a{person_id}",
                },
            ),
            201,
        )
        links.append(event["voting_url"].split("#", 1)[1])
    polls = f"/api/v1/meetings/{meeting}/polls"
    poll = ok(admin.post(polls, json={"title": "Thông qua nghị quyết", "secrecy": "secret"}), 201)
    ok(admin.post(f"{polls}/{poll['id']}/open"))
    options = [o["id"] for o in poll["options"]]

    def cast(i: int) -> int:
        # Each delegate presses "submit" twice: the second must be refused, not counted.
        with httpx.Client(base_url=server.url, timeout=120) as client:
            response = client.post(
                f"{polls}/{poll['id']}/ballots",
                json={"option_ids": [options[i % 3]]},
                headers={"Authorization": f"Bearer {links[i // 2]}"},
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=64) as pool:
        statuses = list(pool.map(cast, range(2 * VOTERS)))

    assert statuses.count(201) == VOTERS, sorted(set(statuses))
    assert statuses.count(409) == VOTERS
    tally = ok(admin.get(f"{polls}/{poll['id']}/tally"))
    assert tally["ballots"] == VOTERS
    ok(admin.post(f"{polls}/{poll['id']}/close"))
    result = ok(admin.get(f"{polls}/{poll['id']}/results"))
    assert result["ballots"] == VOTERS
    assert sum(o["votes"] for o in result["options"]) == VOTERS
    voters = scalar(database_url, "SELECT count(DISTINCT person_id) FROM poll_voters")
    counted = scalar(database_url, "SELECT sum(votes) FROM poll_secret_counts")
    assert (voters, counted) == (VOTERS, VOTERS)
