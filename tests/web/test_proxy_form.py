"""The proxy form offers names: absent voting members give, present voting members hold."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, post, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _today(hour: int, minute: int = 0) -> str:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime(f"%Y-%m-%dT{hour:02d}:{minute:02d}")


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="\d+">([^<]+)</option>', select.group(1))


def test_the_proxy_form_lists_absent_and_present_voting_members_in_vietnamese_order(
    client: TestClient,
) -> None:
    meeting_id = create_meeting(client, "Kỳ họp", starts_at=_today(0), ends_at=_today(23, 59))
    names = [
        "Trần Thị Bình",  # present
        "Nguyễn Văn An",  # present
        "Võ Thị Yến",  # absent
        "Lê Minh Châu",  # absent
        "Đặng Văn Đức",  # absent, already gave a proxy
        "Phạm Quan Sát",  # an observer, present: never offered
        "Hoàng Văn Khách",  # an observer, absent: never offered
    ]
    ids = [
        client.post("/api/v1/people", json={"full_name": n}, headers=BEARER).json()["id"]
        for n in names
    ]
    roster = {"person_ids": ids[:5], "non_voting_ids": ids[5:]}
    url = f"/api/v1/meetings/{meeting_id}"
    assert client.put(f"{url}/participants", json=roster, headers=BEARER).status_code == 200
    for i in (0, 1, 5):
        body = {"person_id": ids[i], "source": "kiosk", "idempotency_key": f"k{i}"}
        assert client.post(f"{url}/checkins", json=body, headers=BEARER).status_code == 201
    given = {"grantor_id": ids[4], "holder_id": ids[0]}
    assert client.post(f"{url}/proxies", json=given, headers=BEARER).status_code == 201

    page = client.get(f"/meetings/{meeting_id}/polls").text
    assert _options(page, "grantor_id") == ["Lê Minh Châu", "Võ Thị Yến"]
    assert _options(page, "holder_id") == ["Nguyễn Văn An", "Trần Thị Bình"]

    unchosen = post(client, f"/meetings/{meeting_id}/proxies", {"grantor_id": "", "holder_id": ""})
    assert unchosen.status_code == 422 and "Hãy chọn người ủy quyền" in unchosen.text
    form = {"grantor_id": str(ids[3]), "holder_id": str(ids[1])}
    assert post(client, f"/meetings/{meeting_id}/proxies", form).status_code == 303
    after = client.get(f"/meetings/{meeting_id}/polls").text
    assert "Lê Minh Châu → Nguyễn Văn An" in text_of(after)
    assert _options(after, "grantor_id") == ["Võ Thị Yến"]
