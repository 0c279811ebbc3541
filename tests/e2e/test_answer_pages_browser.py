"""Poll opinions, the projector view and the favicon, in the system Chromium against a real
server: named opinions show who, secret ones nobody; the verdict once, headers over their
columns; no page asks for an icon that is not there."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from browser_support import launch_chromium
from db_backends import PostgresDatabases, SqliteDatabases
from e2e_server import STARTUP_SECONDS, Server, attendance_command, free_port

pytestmark = pytest.mark.slow

TOKEN = "e2e-answers-admin-token-0123456789"
MEMBERS = ("Nguyễn Văn Bình", "Trần Văn An", "Lê Thị Ánh")
NAMED = "Kế hoạch công tác năm 2027"  # no verdict word in the title: the verdict is counted
SECRET = "Nhân sự ban kiểm tra"
ELECTION = "Bầu tổ trưởng tổ đại biểu"


@dataclass
class Room:
    server: Server
    meeting_id: int
    named_id: int
    secret_id: int
    voting_link: str  # a member's /vote#... link


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def database_url(
    databases: SqliteDatabases | PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database for the module's one server, on this run's backend (in place of the
    per-test one of tests/conftest.py)."""
    url = databases.migrated(tmp_path_factory.mktemp("answers-db"))
    yield url
    databases.drop(url)


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One `attendance serve` for the module (the page checks only read what it set up)."""
    folder = tmp_path_factory.mktemp("answers")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEND_")}
    env |= {
        "ATTEND_DB_URL": database_url,
        "ATTEND_MODELS__CACHE_DIR": str(tmp_path_factory.getbasetemp() / "model-cache"),
        "ATTEND_ADMIN_TOKEN": TOKEN,
    }
    port = free_port()
    with (folder / "stdout.txt").open("wb") as out, (folder / "stderr.txt").open("wb") as err:
        process = subprocess.Popen(
            [attendance_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=err,
        )
    running = Server(f"http://127.0.0.1:{port}", process, folder / "stdout.txt")
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, (folder / "stderr.txt").read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not answer /healthz"
            try:
                if httpx.get(f"{running.url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def room(server: Server) -> Room:
    """Three members present; a named poll with two opinions, voted and closed; a secret
    poll, open, with one opinion."""
    admin = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    meeting = ok(
        admin.post(
            "/api/v1/meetings",
            json={
                "title": "Kỳ họp thứ 7 HĐND phường",
                "starts_at": day.replace(hour=0, minute=0).isoformat(),
                "ends_at": day.replace(hour=23, minute=59).isoformat(),
            },
        ),
        201,
    )["id"]
    api = f"/api/v1/meetings/{meeting}"
    ids = [ok(admin.post("/api/v1/people", json={"full_name": n}), 201)["id"] for n in MEMBERS]
    ok(admin.put(f"{api}/participants", json={"person_ids": ids}))
    links = []
    for person_id in ids:
        body = {"person_id": person_id, "source": "kiosk", "idempotency_key": f"k{person_id}"}
        event = ok(admin.post(f"{api}/checkins", json=body), 201)
        links.append({"Authorization": "Bearer " + event["voting_url"].split("#", 1)[1]})
    named = ok(admin.post(f"{api}/polls", json={"title": NAMED}), 201)
    secret = ok(admin.post(f"{api}/polls", json={"title": SECRET, "secrecy": "secret"}), 201)
    for poll in (named, secret):
        ok(admin.post(f"{api}/polls/{poll['id']}/open"))
    said = zip(links, ("Cần thêm kinh phí.", "Đồng ý với tờ trình."))
    for link, text in said:
        opinion = {"text": text}
        ok(admin.post(f"{api}/polls/{named['id']}/opinions", json=opinion, headers=link), 201)
    opinion = {"text": "Nên hoãn sang kỳ sau."}
    ok(admin.post(f"{api}/polls/{secret['id']}/opinions", json=opinion, headers=links[0]), 201)
    for link in links:
        choice = {"option_ids": [named["options"][0]["id"]]}
        ok(admin.post(f"{api}/polls/{named['id']}/ballots", json=choice, headers=link), 201)
    ok(admin.post(f"{api}/polls/{named['id']}/close"))
    spec = {"title": ELECTION, "kind": "election", "options": ["Lê Văn Tám", "Hồ Văn Bảy"]}
    election = ok(admin.post(f"{api}/polls", json={**spec, "majority": "simple"}), 201)
    ok(admin.post(f"{api}/polls/{election['id']}/open"))
    choice = {"option_ids": [election["options"][0]["id"]]}
    ok(admin.post(f"{api}/polls/{election['id']}/ballots", json=choice, headers=links[0]), 201)
    ok(admin.post(f"{api}/polls/{election['id']}/close"))
    link = server.url + "/vote#" + links[0]["Authorization"].removeprefix("Bearer ")
    return Room(server, meeting, named["id"], secret["id"], link)


def signed_in(browser: Any, room: Room, lang: str = "vi") -> Any:
    page = browser.new_page(locale="vi-VN")
    page.set_default_timeout(10_000)
    page.goto(f"{room.server.url}/signin?lang={lang}")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Chị Thu")
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    return page


def test_a_named_polls_opinions_show_who_and_a_secret_polls_nobody(
    browser: Any, room: Room
) -> None:
    page = signed_in(browser, room)
    page.goto(f"{room.server.url}/meetings/{room.meeting_id}/polls/{room.named_id}")
    named = page.locator("ul.opinions li").all_inner_texts()
    # Each named opinion: its time (HH:MM), who gave it, what they said; in the order given.
    assert [re.sub(r"^\d\d:\d\d ", "", o) for o in named] == [
        "Nguyễn Văn Bình: Cần thêm kinh phí.",
        "Trần Văn An: Đồng ý với tờ trình.",
    ]
    table = page.locator("#named-choices tbody td:first-child").all_inner_texts()
    assert table == ["Trần Văn An", "Lê Thị Ánh", "Nguyễn Văn Bình"]  # given name first
    page.goto(f"{room.server.url}/meetings/{room.meeting_id}/polls/{room.secret_id}")
    secret = page.locator("ul.opinions li").all_inner_texts()
    assert secret == ["Ẩn danh: Nên hoãn sang kỳ sau."]
    page.close()


def test_the_projector_says_the_verdict_once_with_headers_over_their_columns(
    browser: Any, room: Room
) -> None:
    page = signed_in(browser, room)
    for lang, verdict in (("vi", "Thông qua"), ("en", "Passed")):
        screen = f"/meetings/{room.meeting_id}/polls/{room.named_id}/screen?lang={lang}"
        page.set_viewport_size({"width": 1600, "height": 900})
        page.goto(room.server.url + screen)
        assert page.inner_text("body").count(verdict) == 1, page.inner_text("body")
        assert page.inner_text("#outcome b") == verdict
        # Where the text of each header cell and of the cell under it is drawn.
        edges = page.evaluate(
            """() => {
                const box = (cell) => {
                    const range = document.createRange();
                    range.selectNodeContents(cell);
                    return range.getBoundingClientRect();
                };
                const heads = document.querySelectorAll("table.tally thead th");
                const cells = document.querySelectorAll("table.tally tbody tr:first-child td");
                return {
                    optionHead: box(heads[0]).left, optionCell: box(cells[0]).left,
                    votesHead: box(heads[1]).right, votesCell: box(cells[1]).right,
                };
            }"""
        )
        assert abs(edges["optionHead"] - edges["optionCell"]) < 2, edges  # text left
        assert abs(edges["votesHead"] - edges["votesCell"]) < 2, edges  # numbers right
    page.close()


def test_every_page_has_an_icon_and_nothing_asked_for_is_missing(browser: Any, room: Room) -> None:
    page = signed_in(browser, room)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    url = room.server.url
    for path in (
        f"/meetings/{room.meeting_id}",
        f"/board/{room.meeting_id}",
        f"/meetings/{room.meeting_id}/polls/{room.named_id}/screen",
        "/vote",
    ):
        page.goto(url + path)
        icon = page.get_attribute("link[rel=icon]", "href")
        assert icon == "/static/favicon.svg", path
        loaded = page.evaluate(
            """async (href) => {
                const image = new Image();
                image.src = href;
                await image.decode();
                return image.naturalWidth;
            }""",
            icon,
        )
        assert loaded > 0, path  # an SVG the browser draws
    answer = httpx.get(f"{url}/favicon.ico")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/svg+xml"
    assert missing == []
    page.close()


def test_the_phone_page_says_each_result_once(browser: Any, room: Room) -> None:
    page = browser.new_page(locale="vi-VN")
    page.set_default_timeout(10_000)
    page.goto(room.voting_link)
    page.locator("p.result").nth(1).wait_for()
    results = sorted(page.locator("p.result").all_inner_texts())
    assert results[0].startswith("Kết quả: trúng cử 1/1: Lê Văn Tám (1)"), results
    assert results[1].startswith("Thông qua: tán thành 3 trên 3"), results
    assert not any(r.count("Kết quả") > 1 or r.count("Thông qua") > 1 for r in results)
    page.close()
