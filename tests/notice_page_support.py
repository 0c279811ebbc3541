"""A meeting of today with two agenda items, a closed named poll and opinions of every
stance, built through the API as delegates and the secretary would (TestClient or httpx)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

MEMBERS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Đức Dũng")
BUDGET = "Dự toán ngân sách 2027"
STREETS = "Chỉnh trang đô thị"


@dataclass(frozen=True)
class Discussed:
    meeting_id: int
    people: list[int]  # in MEMBERS order; Dũng (the last) never comes
    budget: int  # agenda item ids
    streets: int
    poll_id: int  # the named motion on the budget, closed: 2 for, 1 against
    tokens: list[str]  # the voting links of the three who came (An, Bình, Châu)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def meeting_with_discussion(api: Any, headers: dict[str, str] | None = None) -> Discussed:
    """`headers`: the admin's bearer token (a TestClient signed in by cookie still needs it)."""
    h = headers or {}
    people = [
        ok(api.post("/api/v1/people", json={"full_name": n}, headers=h), 201)["id"] for n in MEMBERS
    ]
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    meeting = {
        "title": "Họp UBND quận tháng 12",
        "starts_at": day.replace(hour=0, minute=0, second=0).isoformat(),
        "ends_at": day.replace(hour=23, minute=59, second=0).isoformat(),
    }
    meeting_id = ok(api.post("/api/v1/meetings", json=meeting, headers=h), 201)["id"]
    base = f"/api/v1/meetings/{meeting_id}"
    ok(api.put(f"{base}/participants", json={"person_ids": people}, headers=h))
    budget = ok(api.post(f"{base}/agenda", json={"title": BUDGET}, headers=h), 201)["id"]
    streets = ok(api.post(f"{base}/agenda", json={"title": STREETS}, headers=h), 201)["id"]
    links, tokens = [], []
    for person_id in people[:3]:
        arrival = {"person_id": person_id, "source": "kiosk-A", "idempotency_key": f"k{person_id}"}
        checkin = api.post(f"{base}/checkins", json=arrival, headers=h)
        assert checkin.status_code in (200, 201), checkin.text
        token = checkin.json()["voting_url"].split("#", 1)[1]
        tokens.append(token)
        links.append({"Authorization": f"Bearer {token}"})
    said = f"{base}/agenda/{budget}/opinions"
    ok(
        api.post(said, json={"text": "Nhất trí với dự toán.", "stance": "agree"}, headers=links[0]),
        201,
    )
    ok(
        api.post(said, json={"text": "Chưa đủ căn cứ chi.", "stance": "object"}, headers=links[1]),
        201,
    )
    ok(api.post(said, json={"text": "Đề nghị làm rõ nguồn vốn."}, headers=links[2]), 201)
    motion = {"title": "Thông qua dự toán", "agenda_item_id": budget}
    poll = ok(api.post(f"{base}/polls", json=motion, headers=h), 201)
    ok(api.post(f"{base}/polls/{poll['id']}/open", headers=h))
    yes, no = poll["options"][0]["id"], poll["options"][1]["id"]
    for link, choice in zip(links, (yes, yes, no)):
        ballot = {"option_ids": [choice]}
        ok(api.post(f"{base}/polls/{poll['id']}/ballots", json=ballot, headers=link), 201)
    ok(api.post(f"{base}/polls/{poll['id']}/close", headers=h))
    secret = {"title": "Góp ý chỉnh trang", "kind": "opinion", "secrecy": "secret"}
    asked = ok(
        api.post(f"{base}/polls", json={**secret, "agenda_item_id": streets}, headers=h), 201
    )
    ok(api.post(f"{base}/polls/{asked['id']}/open", headers=h))
    anonymous = {"text": "Cần thêm cây xanh.", "stance": "agree"}
    ok(api.post(f"{base}/polls/{asked['id']}/opinions", json=anonymous, headers=links[0]), 201)
    return Discussed(meeting_id, people, budget, streets, poll["id"], tokens)
