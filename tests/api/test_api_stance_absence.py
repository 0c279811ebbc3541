"""An opinion's stance (agree / object / other) and a participant's absence reason over HTTP."""

from __future__ import annotations

from typing import Any

from api_support import query
from fastapi.testclient import TestClient
from polls_support import MEMBERS, Room, new_poll, present


def _item(client: TestClient, room: Room, title: str = "Dự toán ngân sách 2027") -> int:
    response = client.post(f"/api/v1/meetings/{room.meeting_id}/agenda", json={"title": title})
    assert response.status_code == 201, response.text
    item_id: int = response.json()["id"]
    return item_id


def _say(client: TestClient, url: str, headers: dict[str, str], text: str, **stance: Any) -> Any:
    return client.post(url, json={"text": text, **stance}, headers=headers)


def test_an_opinion_carries_its_stance_and_other_when_none_is_said(
    client: TestClient, room: Room, database_url: str
) -> None:
    headers = present(client, room)
    url = f"/api/v1/meetings/{room.meeting_id}/agenda/{_item(client, room)}/opinions"
    agree = _say(client, url, headers[0], "Nhất trí với dự toán.", stance="agree")
    assert agree.status_code == 201, agree.text
    assert agree.json()["stance"] == "agree" and agree.json()["person"]["full_name"] == MEMBERS[0]
    objection = _say(client, url, headers[1], "Chưa đủ căn cứ chi.", stance="object")
    assert objection.status_code == 201 and objection.json()["stance"] == "object"
    unsaid = _say(client, url, headers[2], "Đề nghị làm rõ nguồn vốn.")
    assert unsaid.status_code == 201 and unsaid.json()["stance"] == "other"
    read = client.get(url).json()
    assert [(o["text"], o["stance"]) for o in read] == [
        ("Nhất trí với dự toán.", "agree"),
        ("Chưa đủ căn cứ chi.", "object"),
        ("Đề nghị làm rõ nguồn vốn.", "other"),
    ]
    stored = query(database_url, "SELECT stance FROM opinions ORDER BY at")
    assert [row[0] for row in stored] == ["agree", "object", "other"]


def test_an_unknown_stance_is_refused_in_both_languages_and_nothing_is_stored(
    client: TestClient, room: Room, database_url: str
) -> None:
    headers = present(client, room, 1)
    url = f"/api/v1/meetings/{room.meeting_id}/agenda/{_item(client, room)}/opinions"
    for wrong in ("yes", "AGREE", "đồng ý"):
        refused = _say(client, url, headers[0], "Nhất trí.", stance=wrong)
        assert refused.status_code == 422, refused.text
        body = refused.json()
        assert body["reason"] == "INVALID_STANCE"
        assert "Quan điểm" in body["detail"] and "agree, object or other" in body["detail"]
    assert query(database_url, "SELECT count(*) FROM opinions") == [(0,)]


def test_a_secret_polls_opinion_keeps_its_stance_but_no_author(
    client: TestClient, room: Room
) -> None:
    headers = present(client, room)
    poll = new_poll(client, room, secrecy="secret", kind="opinion")
    url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/opinions"
    said = _say(client, url, headers[0], "Không đồng ý tăng phí.", stance="object")
    assert said.status_code == 201, said.text
    assert said.json()["person"] is None and said.json()["stance"] == "object"


def test_an_absence_reason_is_set_shown_kept_and_cleared(
    client: TestClient, room: Room, database_url: str
) -> None:
    base = f"/api/v1/meetings/{room.meeting_id}/participants"
    binh = room.people[1]

    def reasons() -> dict[str, str | None]:
        return {r["person"]["full_name"]: r["absence_reason"] for r in client.get(base).json()}

    assert set(reasons().values()) == {None}
    said = client.patch(f"{base}/{binh}", json={"absence_reason": "  Đi công tác  Đà Nẵng "})
    assert said.status_code == 200, said.text
    assert said.json()["absence_reason"] == "Đi công tác Đà Nẵng"
    assert said.json()["voting_rights"] is True  # left out: kept
    assert reasons()[MEMBERS[1]] == "Đi công tác Đà Nẵng"
    rights = client.patch(f"{base}/{binh}", json={"voting_rights": False})
    assert rights.status_code == 200 and rights.json()["absence_reason"] == "Đi công tác Đà Nẵng"
    cleared = client.patch(f"{base}/{binh}", json={"absence_reason": None})
    assert cleared.status_code == 200 and cleared.json()["absence_reason"] is None
    assert reasons()[MEMBERS[1]] is None
    actions = query(
        database_url,
        "SELECT action FROM audit_log WHERE action LIKE 'absence_reason%' ORDER BY id",
    )
    assert [a for (a,) in actions] == ["absence_reason_set", "absence_reason_cleared"]


def test_a_bad_absence_reason_is_refused_and_the_old_one_stays(
    client: TestClient, room: Room
) -> None:
    base = f"/api/v1/meetings/{room.meeting_id}/participants"
    chau = room.people[2]
    assert client.patch(f"{base}/{chau}", json={"absence_reason": "Ốm"}).status_code == 200
    long = client.patch(f"{base}/{chau}", json={"absence_reason": "x" * 301})
    assert long.status_code == 422 and long.json()["reason"] == "TOO_LONG"
    assert "Lý do vắng dài tối đa 300" in long.json()["detail"]
    control = client.patch(f"{base}/{chau}", json={"absence_reason": "Ốm\u202e"})
    assert control.status_code == 422 and control.json()["reason"] == "INVALID_TEXT"
    empty = client.patch(f"{base}/{chau}", json={})
    assert empty.status_code == 422 and "absence_reason" in empty.json()["detail"]
    stranger = client.patch(f"{base}/999999", json={"absence_reason": "Ốm"})
    assert stranger.status_code == 404
    rows = client.get(base).json()
    assert {r["person"]["id"]: r["absence_reason"] for r in rows}[chau] == "Ốm"
