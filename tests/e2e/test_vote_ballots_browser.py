"""Voting links and the phone page in a real browser against a real server: a link handed out
before arrival survives the check-in, a ballot can be seen and changed, a proxy holder's own
ballot never becomes his grantor's, opinions are not a vote, and the secretary's page shows a
new link once, with whose it is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from browser_support import launch_chromium
from e2e_server import Server, StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-ballots-admin-token-0123456789"
PEOPLE = {
    "Nguyễn Văn An": ("Chủ tịch", "UBND phường Bến Nghé"),
    "Phạm Thị Dung": ("Phó Chủ tịch", "UBND phường Bến Nghé"),
    "Tạ Quang Huy": ("Chánh Văn phòng", "Văn phòng HĐND-UBND"),
    "Vũ Văn Giang": ("Ủy viên", "Công an phường"),
    "Trịnh Văn Minh": ("Ủy viên", "Quân sự phường"),
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


class Room:
    """A meeting under way today with five voting members, nobody checked in yet."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.admin = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
        self.ids = {}
        for name, (title, unit) in PEOPLE.items():
            body = {"full_name": name, "title": title, "unit": unit}
            self.ids[name] = ok(self.admin.post("/api/v1/people", json=body), 201)["id"]
        day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
        body = {
            "title": "Kỳ họp thứ 7 HĐND phường Bến Nghé",
            "starts_at": day.replace(hour=0, minute=0).isoformat(),
            "ends_at": day.replace(hour=23, minute=59).isoformat(),
        }
        self.id = ok(self.admin.post("/api/v1/meetings", json=body), 201)["id"]
        self.url = f"/api/v1/meetings/{self.id}"
        ok(self.admin.put(f"{self.url}/participants", json={"person_ids": list(self.ids.values())}))

    def check_in(self, name: str) -> Any:
        """By staff at the door (a manual check-in through the API)."""
        body = {"person_id": self.ids[name], "source": "cửa A", "idempotency_key": name}
        return ok(self.admin.post(f"{self.url}/checkins", json=body), 201)

    def link(self, name: str) -> str:
        body = {"person_id": self.ids[name]}
        return (
            self.server.url
            + "/vote#"
            + ok(self.admin.post(f"{self.url}/voting-passes", json=body), 201)["token"]
        )

    def poll(self, title: str, **spec: Any) -> Any:
        body = {"title": title, "quorum": "0", **spec}
        poll = ok(self.admin.post(f"{self.url}/polls", json=body), 201)
        return ok(self.admin.post(f"{self.url}/polls/{poll['id']}/open"))

    def ballot(self, poll: Any, name: str) -> Any:
        return poll_section(poll, self.ids[name])


def poll_section(poll: Any, person_id: int) -> str:
    return f"#ballot-{poll['id']}-{person_id}"


def test_a_link_handed_out_before_arrival_survives_the_check_in_and_ballots_can_change(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Any
) -> None:
    room = Room(start_server(database_url, TOKEN))
    page = browser.new_page()
    page.set_default_timeout(10_000)

    # Huy gets his link before he arrives; the phone says he has not checked in.
    page.goto(room.link("Tạ Quang Huy"))
    page.get_by_text("Đồng chí chưa điểm danh").wait_for()
    arrived = room.check_in("Tạ Quang Huy")
    assert arrived["voting_url"] is None and arrived["voting_link_issued_earlier"]
    poll = room.poll("Thông qua chương trình kỳ họp", allow_change=True)
    # The ballot appears by itself on the phone that holds the link issued earlier.
    page.get_by_label("Đồng ý", exact=True).wait_for()
    assert page.is_hidden("#bad") and page.is_hidden("#standing")

    # He votes, sees what he chose, and changes it (the poll allows changes).
    page.get_by_label("Đồng ý", exact=True).check()
    page.get_by_role("button", name="Gửi phiếu").click()
    page.get_by_text("Đã ghi nhận phiếu của đồng chí.").wait_for()
    mine = page.locator(room.ballot(poll, "Tạ Quang Huy"))
    assert "Đồng chí đã bỏ phiếu." in mine.inner_text()
    assert "Đã chọn: Đồng ý" in mine.inner_text()
    assert mine.get_by_label("Đồng ý", exact=True).is_checked()
    mine.get_by_label("Không đồng ý", exact=True).check()
    mine.get_by_role("button", name="Sửa phiếu").click()
    page.get_by_text("Đã sửa phiếu của đồng chí.").wait_for()
    page.get_by_text("Đã chọn: Không đồng ý").wait_for()
    page.reload()  # as the server has it, not as the page remembers it
    page.get_by_text("Đã chọn: Không đồng ý").wait_for()
    tally = ok(room.admin.get(f"{room.url}/polls/{poll['id']}/tally"))
    assert [o["votes"] for o in tally["options"]] == [0, 1, 0]

    # An holds Giang's proxy: his own ballot and Giang's, each apart, before and after voting.
    room.check_in("Nguyễn Văn An")
    given = {"grantor_id": room.ids["Vũ Văn Giang"], "holder_id": room.ids["Nguyễn Văn An"]}
    ok(room.admin.post(f"{room.url}/proxies", json=given), 201)
    page.goto(room.link("Nguyễn Văn An"))
    card = page.locator(f"#poll-{poll['id']}")
    card.locator("h3").first.wait_for()
    assert card.locator("h3").all_inner_texts() == ["Bản thân tôi", "Vũ Văn Giang (được ủy quyền)"]
    own = page.locator(room.ballot(poll, "Nguyễn Văn An"))
    own.get_by_label("Đồng ý", exact=True).check()
    own.get_by_role("button", name="Gửi phiếu").click()
    own.get_by_text("Đã chọn: Đồng ý").wait_for()
    # "Bản thân tôi" stays, cast and changeable; he changes his own vote.
    assert card.locator("h3").all_inner_texts() == ["Bản thân tôi", "Vũ Văn Giang (được ủy quyền)"]
    own.get_by_label("Không biểu quyết", exact=True).check()
    own.get_by_role("button", name="Sửa phiếu").click()
    own.get_by_text("Đã chọn: Không biểu quyết").wait_for()
    tally = ok(room.admin.get(f"{room.url}/polls/{poll['id']}/tally"))
    assert "Vũ Văn Giang" in {p["full_name"] for p in tally["not_voted"]}  # not his ballot
    assert tally["proxies"] == []
    grantor = page.locator(room.ballot(poll, "Vũ Văn Giang"))
    grantor.get_by_label("Đồng ý", exact=True).check()
    grantor.get_by_role("button", name="Gửi phiếu").click()
    grantor.get_by_text("Đồng chí đã bỏ phiếu thay Vũ Văn Giang.").wait_for()
    ok(room.admin.post(f"{room.url}/polls/{poll['id']}/close"))
    result = ok(room.admin.get(f"{room.url}/polls/{poll['id']}/results"))
    choices = {
        c["person"]["full_name"]: (c["options"], c["cast_by"]) for c in result["named_choices"]
    }
    assert choices["Nguyễn Văn An"] == (["Không biểu quyết"], None)
    assert choices["Vũ Văn Giang"][0] == ["Đồng ý"]
    assert choices["Vũ Văn Giang"][1]["full_name"] == "Nguyễn Văn An"

    # Without changes: a named poll shows the choice and no form; a secret one only "voted".
    named = room.poll("Thông qua biên bản")
    secret = room.poll(
        "Bầu thư ký kỳ họp",
        secrecy="secret",
        kind="election",
        options=["Lê Văn Tám", "Phạm Thị Mười"],
    )
    page.goto(room.link("Phạm Thị Dung"))
    page.get_by_text("Đồng chí chưa điểm danh").wait_for()
    room.check_in("Phạm Thị Dung")
    for which, label in ((named, "Đồng ý"), (secret, "Lê Văn Tám")):
        section = page.locator(room.ballot(which, "Phạm Thị Dung"))
        section.get_by_label(label, exact=True).check()
        section.get_by_role("button", name="Gửi phiếu").click()
        section.get_by_text("Đồng chí đã bỏ phiếu.").wait_for()
        assert section.locator("form").count() == 0
    assert "Đã chọn: Đồng ý" in page.inner_text(room.ballot(named, "Phạm Thị Dung"))
    assert "Đã chọn" not in page.inner_text(room.ballot(secret, "Phạm Thị Dung"))
    page.close()


def test_opinions_are_not_a_vote_and_a_checked_out_member_is_told_who_voted_for_him(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Any
) -> None:
    room = Room(start_server(database_url, TOKEN))
    for name in ("Nguyễn Văn An", "Trịnh Văn Minh"):
        room.check_in(name)
    out = {"person_id": room.ids["Trịnh Văn Minh"], "reason": "Đi công tác"}
    ok(room.admin.post(f"{room.url}/checkouts", json=out), 201)
    given = {"grantor_id": room.ids["Trịnh Văn Minh"], "holder_id": room.ids["Nguyễn Văn An"]}
    ok(room.admin.post(f"{room.url}/proxies", json=given), 201)
    opinions = room.poll("Góp ý dự thảo quy chế làm việc", kind="opinion")
    motion = room.poll("Thông qua quy chế làm việc")
    an = {"Authorization": "Bearer " + room.link("Nguyễn Văn An").split("#", 1)[1]}
    cast = room.admin.post(
        f"{room.url}/polls/{motion['id']}/ballots",
        json={
            "option_ids": [motion["options"][0]["id"]],
            "on_behalf_of": room.ids["Trịnh Văn Minh"],
        },
        headers=an,
    )
    assert cast.status_code == 201, cast.text

    page = browser.new_page()
    page.set_default_timeout(10_000)
    page.goto(room.link("Trịnh Văn Minh"))
    own = page.locator(room.ballot(motion, "Trịnh Văn Minh"))
    own.get_by_text("Đồng chí đã được bỏ phiếu thay bởi Nguyễn Văn An.").wait_for()
    assert "Đồng chí đã bỏ phiếu." not in page.inner_text("body")
    assert "Đồng chí đã được ghi ra về" in page.inner_text("#standing")

    page.goto(room.link("Nguyễn Văn An"))
    card = page.locator(f"#poll-{opinions['id']}")
    card.locator("textarea").wait_for()
    text = card.inner_text()
    assert "Lấy ý kiến" in text and "Biểu quyết công khai" not in text
    assert card.locator("input[name=option]").count() == 0 and "Gửi phiếu" not in text
    assert "Ý kiến của đồng chí" in text
    card.locator("textarea").fill("Đề nghị bổ sung điều 5")
    card.get_by_role("button", name="Gửi ý kiến").click()
    card.get_by_text("Đã gửi ý kiến. Xin cảm ơn.").wait_for()
    page.goto(room.link("Nguyễn Văn An").replace("/vote#", "/vote?lang=en#"))
    page.locator(f"#poll-{opinions['id']}").get_by_text("Opinions", exact=True).wait_for()
    page.close()


def test_the_poll_page_shows_a_new_link_once_with_whose_it_is(
    database_url: str, browser: Any, start_server: StartServer, tmp_path: Any
) -> None:
    server = start_server(database_url, TOKEN)
    room = Room(server)
    page = browser.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Thư ký Hà")
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    page.goto(f"{server.url}/meetings/{room.id}/polls")
    page.select_option("select[name=person_id]", str(room.ids["Tạ Quang Huy"]))
    page.get_by_role("button", name="Cấp liên kết mới").click()
    page.locator("#issued-link svg").wait_for()
    assert "vp_" not in page.url and f"/meetings/{room.id}/polls?link=" in page.url
    card = page.inner_text("#issued-link")
    assert "Liên kết bỏ phiếu của đại biểu Tạ Quang Huy" in card
    assert "Chánh Văn phòng · Văn phòng HĐND-UBND" in card
    assert page.eval_on_selector("select[name=person_id]", "s => s.value") == str(
        room.ids["Tạ Quang Huy"]
    )
    link = page.get_attribute("#issued-link a[href*='/vote#vp_']", "href")
    assert link

    # A reload (F5) shows the page again: no second link, the first still works.
    page.reload()
    page.get_by_text("đã hiện một lần và không hiện lại").wait_for()
    assert page.locator("#issued-link svg").count() == 0
    audit = ok(room.admin.get(f"{room.url}/audit"))
    assert [a["action"] for a in audit].count("voting_pass_issued") == 1
    voter = {"Authorization": "Bearer " + link.split("#", 1)[1]}
    assert (
        ok(room.admin.get("/api/v1/voter", headers=voter))["person"]["full_name"] == "Tạ Quang Huy"
    )
    # The form's address opened later: the polls page, not "405 Method Not Allowed".
    page.goto(f"{server.url}/meetings/{room.id}/voting-link")
    assert page.url.endswith(f"/meetings/{room.id}/polls")
    assert "405" not in page.inner_text("body")
    page.close()
