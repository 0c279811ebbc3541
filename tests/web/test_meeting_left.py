"""The meeting page says who left instead of showing them present."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, create_meeting, post, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_a_checked_out_person_is_shown_as_left_not_present(client: TestClient) -> None:
    meeting_id = create_meeting(client)  # 2026-03-02 08:00-11:00, late after 08:15
    ids = [
        client.post("/api/v1/people", json={"full_name": n}, headers=BEARER).json()["id"]
        for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")
    ]
    url = f"/api/v1/meetings/{meeting_id}"
    client.put(f"{url}/participants", json={"person_ids": ids}, headers=BEARER)
    for person_id, at in zip(ids[:2], ("08:05", "08:30")):
        body = {"person_id": person_id, "source": "kiosk", "idempotency_key": f"k{person_id}"}
        body["at"] = f"2026-03-02T{at}:00+07:00"
        assert client.post(f"{url}/checkins", json=body, headers=BEARER).status_code == 201
    for person_id in ids[:2]:
        done = post(
            client,
            f"/meetings/{meeting_id}/checkout",
            {"person_id": str(person_id), "reason": "Họp khác", "key": str(person_id)},
        )
        assert done.status_code == 303, done.text

    page = client.get(f"/meetings/{meeting_id}").text
    an = text_of(page.split(f'id="person-{ids[0]}"')[1].split("</tr>")[0])
    binh = text_of(page.split(f'id="person-{ids[1]}"')[1].split("</tr>")[0])
    assert "Đã ra về lúc" in an and "Có mặt" not in an
    assert "Đi muộn" in binh and "Đã ra về lúc" in binh  # late, then gone: both are said
    counts = text_of(page.split('class="counts"')[1].split("</ul>")[0])
    assert "0 Đang có mặt (kể cả muộn)" in counts and "2 Đã ra về" in counts
    english = client.get(f"/meetings/{meeting_id}?lang=en").text
    assert "Left at" in text_of(english.split(f'id="person-{ids[0]}"')[1].split("</tr>")[0])
