"""The agenda card on the polls page: a secretary adds, renames and orders the meeting's
items from the page, and polls and documents hang on them (usertest 14, finding 2)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from test_account_pages import make_account, sign_in_as
from web_support import ADMIN_TOKEN, create_meeting, post, sign_in, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _agenda(client: TestClient, meeting_id: int) -> list[tuple[int, str]]:
    response = client.get(f"/api/v1/meetings/{meeting_id}/agenda", headers=BEARER)
    assert response.status_code == 200, response.text
    return [(item["position"], item["title"]) for item in response.json()]


def _as_secretary(client: TestClient) -> None:
    """A secretary's own account (the role sees every meeting: no assignment)."""
    make_account(client, "thu.ky.chuongtrinh", role="secretary")
    client.cookies.clear()
    assert sign_in_as(client, "thu.ky.chuongtrinh").status_code == 303


def test_a_secretary_makes_the_agenda_from_the_polls_page(client: TestClient) -> None:
    meeting_id = create_meeting(client, "Họp giao ban UBND quận")
    _as_secretary(client)
    page = client.get(f"/meetings/{meeting_id}/polls")
    assert page.status_code == 200
    assert 'id="agenda"' in page.text and "Chưa có nội dung nào." in text_of(page.text)

    url = f"/meetings/{meeting_id}/agenda"
    for title in ("Báo cáo tình hình kinh tế - xã hội", "Kế hoạch cải cách hành chính 2027"):
        added = post(client, url, {"title": title})
        assert added.status_code == 303, added.text
        assert added.headers["location"] == f"/meetings/{meeting_id}/polls?ok=agenda_added#agenda"
    assert _agenda(client, meeting_id) == [
        (1, "Báo cáo tình hình kinh tế - xã hội"),
        (2, "Kế hoạch cải cách hành chính 2027"),
    ]
    shown = client.get(f"/meetings/{meeting_id}/polls?ok=agenda_added")
    assert "Đã thêm nội dung vào chương trình họp." in text_of(shown.text)
    first, second = (
        int(i) for i in re.findall(r'id="agenda-(\d+)"', shown.text)
    )  # in the page's order

    renamed = post(client, f"{url}/{second}/rename", {"title": "Kế hoạch CCHC năm 2027"})
    assert renamed.status_code == 303, renamed.text
    moved = post(client, f"{url}/{second}/move", {"direction": "up"})
    assert moved.status_code == 303, moved.text
    assert _agenda(client, meeting_id) == [
        (1, "Kế hoạch CCHC năm 2027"),
        (2, "Báo cáo tình hình kinh tế - xã hội"),
    ]
    # Up at the top moves nothing; the order stays whole.
    assert post(client, f"{url}/{second}/move", {"direction": "up"}).status_code == 303
    assert _agenda(client, meeting_id)[0][1] == "Kế hoạch CCHC năm 2027"

    # The poll form offers the items; the poll and the documents page follow the new order.
    poll_form = client.get(f"/meetings/{meeting_id}/polls").text
    assert f'<option value="{first}"' in poll_form and "1. Kế hoạch CCHC năm 2027" in poll_form
    created = post(
        client,
        f"/meetings/{meeting_id}/polls",
        {"title": "Thông qua báo cáo", "quorum": "1/2", "max_choices": "1",
         "agenda_item_id": str(first)},
    )  # fmt: skip
    assert created.status_code == 303, created.text
    polls = client.get(f"/api/v1/meetings/{meeting_id}/polls", headers=BEARER).json()
    assert [p["agenda_item_id"] for p in polls] == [first]
    documents = text_of(html.unescape(client.get(f"/meetings/{meeting_id}/documents").text))
    assert "Kế hoạch CCHC năm 2027" in documents


def test_a_refused_item_is_explained_on_the_page_and_a_viewer_cannot_change_it(
    client: TestClient,
) -> None:
    meeting_id = create_meeting(client)
    url = f"/meetings/{meeting_id}/agenda"
    empty = post(client, url, {"title": "   "})
    assert empty.status_code == 422 and 'class="flash error"' in empty.text
    assert "Tên mục chương trình không được để trống" in empty.text
    assert "The item needs a title" in empty.text
    too_long = post(client, url, {"title": "Dài " * 100})
    assert too_long.status_code == 422 and "shorten it" in too_long.text
    assert 'value="Dài Dài' in too_long.text  # what was typed stays in the form
    assert _agenda(client, meeting_id) == []
    assert post(client, url, {"title": "Nội dung một"}).status_code == 303
    (item_id,) = re.findall(r'id="agenda-(\d+)"', client.get(f"/meetings/{meeting_id}/polls").text)
    wrong = post(client, f"{url}/{item_id}/move", {"direction": "sideways"})
    assert wrong.status_code == 422 and "Choose Up or Down" in wrong.text
    other = create_meeting(client, "Cuộc họp khác")
    assert (
        post(client, f"/meetings/{other}/agenda/{item_id}/rename", {"title": "X"}).status_code
        == 404
    )

    viewer = make_account(client, "xem.chuongtrinh", role="viewer")
    staff = {"account_ids": [viewer]}
    assert (
        client.put(f"/api/v1/meetings/{meeting_id}/staff", json=staff, headers=BEARER).status_code
        == 200
    )
    client.cookies.clear()
    assert sign_in_as(client, "xem.chuongtrinh").status_code == 303
    page = client.get(f"/meetings/{meeting_id}/polls")
    assert page.status_code == 200 and "Nội dung một" in page.text
    assert 'id="new-agenda-item"' not in page.text and "/rename" not in page.text
    refused = [
        post(client, url, {"title": "Thêm"}),
        post(client, f"{url}/{item_id}/rename", {"title": "Đổi"}),
        post(client, f"{url}/{item_id}/move", {"direction": "down"}),
    ]
    assert [r.status_code for r in refused] == [403] * 3
    client.cookies.clear()
    sign_in(client)
    assert _agenda(client, meeting_id) == [(1, "Nội dung một")]
