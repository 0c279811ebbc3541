"""The poll page: a named poll's opinions and ballots by name in Vietnamese order; a secret
poll's opinions anonymous."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
# Family name first as typed; sorted as strings: Lê, Nguyễn, Trần. By given name: An, Ánh, Bình.
MEMBERS = ("Nguyễn Văn Bình", "Trần Văn An", "Lê Thị Ánh")


def _today(hour: int, minute: int = 0) -> str:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime(f"%Y-%m-%dT{hour:02d}:{minute:02d}")


def _room(client: TestClient) -> tuple[str, list[dict[str, str]]]:
    """A meeting today, its three members checked in: its API path and their voting links."""
    meeting_id = create_meeting(client, "Kỳ họp HĐND", starts_at=_today(0), ends_at=_today(23, 59))
    api = f"/api/v1/meetings/{meeting_id}"
    ids = [
        client.post("/api/v1/people", json={"full_name": n}, headers=BEARER).json()["id"]
        for n in MEMBERS
    ]
    client.put(f"{api}/participants", json={"person_ids": ids}, headers=BEARER)
    links = []
    for person_id in ids:
        body = {"person_id": person_id, "source": "kiosk", "idempotency_key": f"k{person_id}"}
        event = client.post(f"{api}/checkins", json=body, headers=BEARER).json()
        links.append({"Authorization": "Bearer " + event["voting_url"].split("#", 1)[1]})
    return api, links


def _open(client: TestClient, api: str, **spec: str) -> dict[str, object]:
    poll = client.post(f"{api}/polls", json={"title": "Kế hoạch 2027", **spec}, headers=BEARER)
    assert poll.status_code == 201, poll.text
    assert client.post(f"{api}/polls/{poll.json()['id']}/open", headers=BEARER).status_code == 200
    return dict(poll.json())


def test_a_named_polls_opinions_and_ballots_show_who_in_vietnamese_order(
    client: TestClient,
) -> None:
    api, links = _room(client)
    poll = _open(client, api)
    url = f"{api}/polls/{poll['id']}"
    for link, text in zip(links[:2], ("Cần thêm kinh phí.", "Đồng ý với tờ trình.")):
        said = client.post(f"{url}/opinions", json={"text": text}, headers=link)
        assert said.status_code == 201, said.text
    for link in links:
        options = poll["options"]
        assert isinstance(options, list)
        choice = {"option_ids": [options[0]["id"]]}
        assert client.post(f"{url}/ballots", json=choice, headers=link).status_code == 201
    assert client.post(f"{url}/close", headers=BEARER).status_code == 200

    page = client.get(url.replace("/api/v1", ""))
    text = text_of(page.text)
    assert "Nguyễn Văn Bình : Cần thêm kinh phí." in text
    assert "Trần Văn An : Đồng ý với tờ trình." in text
    assert "Ẩn danh" not in text
    table = page.text.split('id="named-choices"')[1].split("</table>")[0]
    assert re.findall(r"<tr><td>([^<]+)</td>", table) == ["Trần Văn An", "Lê Thị Ánh", MEMBERS[0]]
    result = client.get(f"{url}/results", headers=BEARER).json()
    assert [c["person"]["full_name"] for c in result["named_choices"]] == [
        "Trần Văn An",
        "Lê Thị Ánh",
        "Nguyễn Văn Bình",
    ]


def test_a_secret_polls_opinions_stay_anonymous(client: TestClient) -> None:
    api, links = _room(client)
    poll = _open(client, api, secrecy="secret")
    said = client.post(
        f"{api}/polls/{poll['id']}/opinions", json={"text": "Nên hoãn."}, headers=links[0]
    )
    assert said.status_code == 201, said.text
    text = text_of(client.get(f"{api}/polls/{poll['id']}".replace("/api/v1", "")).text)
    assert "Ẩn danh : Nên hoãn." in text
    assert not any(name in text.split("Ý kiến", 1)[1] for name in MEMBERS)
