"""The delegate's phone page in a real browser: who may not vote is told before any ballot,
a held proxy is chosen by name, and a second voting link in the same tab switches delegate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from browser_support import launch_chromium, wait_until
from e2e_server import Server, StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-standing-admin-token-0123456789"
ROOM = "Hội trường A"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


class Meeting:
    """A meeting today with the given people: voting members, then observers."""

    def __init__(self, server: Server, voting: list[str], observers: list[str]) -> None:
        self.server = server
        self.admin = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
        self.ids = {
            name: ok(self.admin.post("/api/v1/people", json={"full_name": name}), 201)["id"]
            for name in [*voting, *observers]
        }
        day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
        body = {
            "title": "Kỳ họp thứ 7 HĐND phường Bến Nghé",
            "room": ROOM,
            "starts_at": day.replace(hour=0, minute=0).isoformat(),
            "ends_at": day.replace(hour=23, minute=59).isoformat(),
        }
        self.id = ok(self.admin.post("/api/v1/meetings", json=body), 201)["id"]
        self.url = f"/api/v1/meetings/{self.id}"
        roster = {
            "person_ids": [self.ids[n] for n in voting],
            "non_voting_ids": [self.ids[n] for n in observers],
        }
        ok(self.admin.put(f"{self.url}/participants", json=roster))

    def check_in(self, name: str) -> None:
        body = {"person_id": self.ids[name], "source": "cửa A", "idempotency_key": name}
        ok(self.admin.post(f"{self.url}/checkins", json=body), 201)

    def kiosk_check_in(self, name: str) -> None:
        """At the door's kiosk: no new voting link (a photo is no proof of presence)."""
        made = self.admin.post("/api/v1/kiosk-tokens", json={"name": "Cửa A", "room": ROOM})
        kiosk = {"Authorization": f"Bearer {ok(made, 201)['token']}"}
        body = {"person_id": self.ids[name], "source": "kiosk-A", "idempotency_key": name}
        ok(self.admin.post(f"{self.url}/checkins", json=body, headers=kiosk), 201)

    def link(self, name: str) -> str:
        issued = ok(
            self.admin.post(f"{self.url}/voting-passes", json={"person_id": self.ids[name]}), 201
        )
        return self.server.url + "/vote#" + issued["token"]

    def open_poll(self, title: str) -> Any:
        poll = ok(self.admin.post(f"{self.url}/polls", json={"title": title, "quorum": "0"}), 201)
        return ok(self.admin.post(f"{self.url}/polls/{poll['id']}/open"))


def test_absent_members_and_observers_are_told_before_any_ballot(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Any
) -> None:
    server = start_server(database_url, TOKEN)
    room = Meeting(
        server,
        voting=["Trương Thị Mỹ Duyên", "Ngô Bảo Châu", "Đỗ Văn Ủy"],
        observers=["Phan Văn Khách"],
    )
    room.check_in("Phan Văn Khách")
    room.check_in("Ngô Bảo Châu")
    given = {"grantor_id": room.ids["Đỗ Văn Ủy"], "holder_id": room.ids["Ngô Bảo Châu"]}
    ok(room.admin.post(f"{room.url}/proxies", json=given), 201)
    poll = room.open_poll("Thông qua chương trình kỳ họp")
    page = browser.new_page()
    page.set_default_timeout(10_000)

    # A voting member who has not checked in: the reason, and no ballot to press.
    page.goto(room.link("Trương Thị Mỹ Duyên"))
    page.locator(f"#poll-{poll['id']}").wait_for()
    assert page.inner_text("#delegate") == "Trương Thị Mỹ Duyên"
    assert "Đồng chí chưa điểm danh" in page.inner_text("#standing")
    assert "Chưa thể biểu quyết nội dung này" in page.inner_text(f"#poll-{poll['id']}")
    assert page.locator("input[name=option]").count() == 0
    assert page.get_by_role("button", name="Gửi phiếu").count() == 0
    # She checks in at the door: the ballot appears by itself.
    room.kiosk_check_in("Trương Thị Mỹ Duyên")
    page.get_by_label("Đồng ý", exact=True).wait_for()
    assert page.is_hidden("#standing")

    # An observer in the room: no vote, said up front in both languages; opinions allowed.
    page.goto(room.link("Phan Văn Khách").replace("/vote#", "/vote?lang=en#"))
    page.locator(f"#poll-{poll['id']}").wait_for()
    assert page.inner_text("#delegate") == "Phan Văn Khách"
    assert "You attend as an observer: you have no vote." in page.inner_text("#standing")
    assert page.locator("input[name=option]").count() == 0
    assert page.get_by_role("button", name="Cast ballot").count() == 0
    assert page.locator(f"#poll-{poll['id']} textarea").count() == 1
    page.goto(room.link("Phan Văn Khách"))
    page.get_by_text("Đồng chí dự họp với tư cách khách mời").first.wait_for()

    # A present member holding a proxy votes for each by name, not by a number: his own
    # ballot and his grantor's, each with its own form.
    page.goto(room.link("Ngô Bảo Châu"))
    page.get_by_label("Đồng ý", exact=True).first.wait_for()
    assert page.locator("input[type=number]").count() == 0
    card = page.locator(f"#poll-{poll['id']}")
    assert card.locator("h3").all_inner_texts() == ["Bản thân tôi", "Đỗ Văn Ủy (được ủy quyền)"]
    for_grantor = page.locator(f"#ballot-{poll['id']}-{room.ids['Đỗ Văn Ủy']}")
    for_grantor.get_by_label("Đồng ý", exact=True).check()
    for_grantor.get_by_role("button", name="Gửi phiếu").click()
    page.get_by_text("Đã ghi nhận phiếu của đồng chí.").wait_for()
    page.get_by_text("Đồng chí đã bỏ phiếu thay Đỗ Văn Ủy.").wait_for()
    tally = ok(room.admin.get(f"{room.url}/polls/{poll['id']}/tally"))
    assert [(p["grantor"]["full_name"], p["holder"]["full_name"]) for p in tally["proxies"]] == [
        ("Đỗ Văn Ủy", "Ngô Bảo Châu")
    ]
    not_voted = {p["full_name"] for p in tally["not_voted"]}
    assert "Đỗ Văn Ủy" not in not_voted and "Ngô Bảo Châu" in not_voted
    # The secretary gives him a new link: this one says so instead of going quiet.
    room.link("Ngô Bảo Châu")
    page.get_by_text("Liên kết bỏ phiếu không hợp lệ hoặc đã được thay").wait_for()
    assert page.locator("input[name=option]").count() == 0
    page.close()


def test_a_second_voting_link_in_the_same_tab_switches_the_delegate(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Any
) -> None:
    server = start_server(database_url, TOKEN)
    room = Meeting(server, voting=["Lê Văn Tám", "Đinh Thị Hoa"], observers=[])
    for name in ("Lê Văn Tám", "Đinh Thị Hoa"):
        room.check_in(name)
    poll = room.open_poll("Thông qua biên bản")
    first, second = room.link("Lê Văn Tám"), room.link("Đinh Thị Hoa")
    page = browser.new_page()
    page.set_default_timeout(10_000)
    page.goto(first)
    page.get_by_label("Đồng ý", exact=True).wait_for()
    assert page.inner_text("#delegate") == "Lê Văn Tám"

    page.goto(second)  # only the "#" differs: the same document, no reload
    wait_until(page, "document.getElementById('delegate').textContent === 'Đinh Thị Hoa'", 10)
    assert "Lê Văn Tám" not in page.inner_text("body")
    assert "#vp_" in page.get_attribute("#other-lang", "href")
    assert second.split("#", 1)[1] in page.get_attribute("#other-lang", "href")
    page.get_by_label("Đồng ý", exact=True).check()
    page.get_by_role("button", name="Gửi phiếu").click()
    page.get_by_text("Đã ghi nhận phiếu của đồng chí.").wait_for()
    tally = ok(room.admin.get(f"{room.url}/polls/{poll['id']}/tally"))
    assert [p["full_name"] for p in tally["not_voted"]] == ["Lê Văn Tám"]

    page.goto(first)  # and back: the first delegate again, who has not voted
    wait_until(page, "document.getElementById('delegate').textContent === 'Lê Văn Tám'", 10)
    page.get_by_label("Đồng ý", exact=True).wait_for()
    assert page.get_by_text("Đồng chí đã bỏ phiếu.").count() == 0
    page.close()
