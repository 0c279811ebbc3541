"""Webhooks end to end: a real server and a receiver that fails the first two deliveries; the
server is restarted while they wait for their retry. Each event arrives signed, the receiver
processes each id once (it de-duplicates), and the API and the page show the failures and
then the success."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import launch_chromium
from e2e_server import StartServer

pytestmark = pytest.mark.slow

TOKEN = "e2e-webhooks-admin-token-0123456789"
SECRET = "khóa-bí-mật-của-cổng-tin-nhắn-42"
SETTINGS = {
    "ATTEND_WEBHOOKS__PERIOD_SECONDS": "0.2",
    "ATTEND_WEBHOOKS__RETRY_SECONDS": "[4]",  # long enough to restart the server meanwhile
    "ATTEND_WEBHOOKS__TIMEOUT_SECONDS": "3",
}
FAIL_FIRST = 2


class Receiver:
    """What a parents' gateway does: check the signature and its age, process each event id
    once, answer 2xx. Its first two answers are 500 (after processing: the answer was lost)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()
        self.lock = threading.Lock()
        self.answers: list[tuple[str, int]] = []  # (event id, status answered)
        self.processed: dict[str, dict[str, Any]] = {}
        self.times_processed: dict[str, int] = {}
        self.bad: list[str] = []

    def verify(self, headers: Any, body: bytes) -> str | None:
        timestamp = headers.get("X-Attendance-Timestamp", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
            return "stale or missing timestamp"
        expected = (
            "sha256="
            + hmac.new(self.secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        )
        if not hmac.compare_digest(expected, headers.get("X-Attendance-Signature", "")):
            return "bad signature"
        if headers.get("Content-Type") != "application/json":
            return "not json"
        return None

    def handle(self, headers: Any, body: bytes) -> int:
        problem = self.verify(headers, body)
        if problem is not None:
            self.bad.append(problem)
            return 401
        envelope = json.loads(body)
        if headers.get("X-Attendance-Event") != envelope["event"]:
            self.bad.append("event header differs")
        with self.lock:
            if envelope["id"] not in self.processed:  # de-duplicate by id
                self.processed[envelope["id"]] = envelope
                self.times_processed[envelope["id"]] = 1 + self.times_processed.get(
                    envelope["id"], 0
                )
            status = 500 if len(self.answers) < FAIL_FIRST else 204
            self.answers.append((envelope["id"], status))
        return status


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    found = Receiver(SECRET)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the standard library names it
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(found.handle(self.headers, body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found, f"http://127.0.0.1:{server.server_address[1]}/hooks/attendance"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def wait_for(check: Any, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"waited {seconds} s for {what}")


def publish_four_events(api: httpx.Client) -> dict[str, int]:
    """An arrival on time, a late one, a check-out and a poll closed."""
    ids = []
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        made = api.post("/api/v1/people", json={"full_name": name})
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    now = datetime.now(timezone.utc)
    meeting = api.post(
        "/api/v1/meetings",
        json={
            "title": "Giao ban sáng",
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
            "late_after_minutes": 15,
        },
    )
    assert meeting.status_code == 201, meeting.text
    base = f"/api/v1/meetings/{meeting.json()['id']}"
    assert api.put(f"{base}/participants", json={"person_ids": ids}).status_code == 200
    manual = {"source": "manual", "note": "Điểm danh tay"}
    on_time = (now - timedelta(minutes=58)).isoformat()
    for person, key, at in ((ids[0], "in-0", on_time), (ids[1], "in-1", None)):
        body = {**manual, "person_id": person, "idempotency_key": key, "at": at}
        checked = api.post(f"{base}/checkins", json=body)
        assert checked.status_code == 201, checked.text
    out = api.post(f"{base}/checkouts", json={"person_id": ids[0], "reason": "Đi công tác"})
    assert out.status_code == 201, out.text
    poll = api.post(f"{base}/polls", json={"title": "Thông qua biên bản", "quorum": "0"})
    assert poll.status_code == 201, poll.text
    for step in ("open", "close"):
        done = api.post(f"{base}/polls/{poll.json()['id']}/{step}")
        assert done.status_code == 200, done.text
    return {"on_time": ids[0], "late": ids[1], "poll": poll.json()["id"]}


def test_events_survive_failures_and_a_restart_and_are_processed_once(
    database_url: str,
    start_server: StartServer,
    receiver: tuple[Receiver, str],
    browser: Any,
    tmp_path: Path,
) -> None:
    got, url = receiver
    db = database_url
    server = start_server(db, TOKEN, settings=SETTINGS)
    api = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    )
    hook = api.post(
        "/api/v1/webhooks",
        json={"url": url, "events": ["arrived", "late", "left", "poll_closed"], "secret": SECRET},
    )
    assert hook.status_code == 201, hook.text
    deliveries = f"/api/v1/webhooks/{hook.json()['id']}/deliveries"
    made = publish_four_events(api)

    wait_for(lambda: len(got.answers) >= FAIL_FIRST, "the first two (failed) deliveries")
    failed = [d for d in api.get(deliveries).json() if d["last_status_code"] == 500]
    assert len(failed) == FAIL_FIRST
    for d in failed:
        assert d["status"] == "pending" and d["attempts"] == 1 and "500" in d["last_error"]
    server.stop()  # the two wait for their retry (4 s) in the database, not in memory
    failed_ids = {d["event_id"] for d in failed}
    assert not failed_ids & {i for i, status in got.answers if status != 500}

    server = start_server(db, TOKEN, settings=SETTINGS)
    api = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    )
    wait_for(
        lambda: all(d["status"] == "delivered" for d in api.get(deliveries).json()),
        "every delivery delivered after the restart",
    )
    assert got.bad == []
    events = {e["event"]: e for e in got.processed.values()}
    assert sorted(events) == ["arrived", "late", "left", "poll_closed"]
    assert set(got.times_processed.values()) == {1}  # each id processed once
    # The failed ones came again with the same id, and were recognised as repeats.
    again = [i for i, status in got.answers if status == 204 and i in failed_ids]
    assert sorted(again) == sorted(failed_ids)
    assert events["arrived"]["data"]["person"]["id"] == made["on_time"]
    assert events["late"]["data"]["person"]["id"] == made["late"]
    assert events["left"]["data"]["person"]["id"] == made["on_time"]
    assert events["poll_closed"]["data"]["poll"]["id"] == made["poll"]
    listed = {d["event_id"]: d for d in api.get(deliveries).json()}
    assert set(listed) == set(got.processed)
    for event_id in failed_ids:
        d = listed[event_id]
        assert (d["attempts"], d["last_status_code"]) == (2, 204)
        assert "500" in d["last_error"] and d["delivered_at"]

    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/signin")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=label]", "Quản trị")
    page.click("button.primary")
    page.wait_for_url("**/meetings")
    page.click("header a[href='/webhooks']")
    page.wait_for_url("**/webhooks")
    card = page.locator(f"section.webhook[data-webhook='{hook.json()['id']}']")
    assert card.locator("tr.delivery.delivered").count() == 4
    assert "Đã gửi" in card.inner_text() and "Đi muộn" in card.inner_text()
    retried = card.locator("tr.delivery", has_text="HTTP 500")
    assert retried.count() == FAIL_FIRST
    assert retried.first.locator("td.delivery-attempts").inner_text() == "2"
    page.goto(f"{server.url}/webhooks?lang=en")
    assert "Delivered" in page.inner_text("main") and "Recent deliveries" in page.inner_text("main")

    # Added, disabled and deleted from the page; no event ticked is refused with a reason.
    page.goto(f"{server.url}/webhooks?lang=vi")
    form = page.locator("form[action='/webhooks']")
    form.locator("input[name=url]").fill("https://du-lieu.hanoi.gov.vn/diem-danh")
    form.locator("input[name=secret]").fill("khóa-bí-mật-thành-phố-2026")
    form.locator("button.primary").click()
    page.wait_for_selector("p.flash.error")
    assert "Chọn ít nhất một sự kiện" in page.inner_text("p.flash.error")
    assert form.locator("input[name=url]").input_value().endswith("/diem-danh")
    form.locator("input[name=secret]").fill("khóa-bí-mật-thành-phố-2026")
    form.locator("input[name=events][value=absent]").check()
    form.locator("button.primary").click()
    page.wait_for_selector("p.flash.ok")
    assert "Đã thêm webhook" in page.inner_text("p.flash.ok")
    added = page.locator("section.webhook", has_text="du-lieu.hanoi.gov.vn")
    assert "Vắng mặt" in added.inner_text() and "khóa-bí-mật" not in page.content()
    added.locator("form[action$='/disable'] button").click()
    page.wait_for_selector("p.flash.ok")
    assert "Đã tắt" in added.locator(".webhook-state").inner_text()
    page.on("dialog", lambda dialog: dialog.accept())
    added.locator("form[action$='/delete'] button").click()
    page.wait_for_selector("text=Đã xóa webhook.")
    assert page.locator("section.webhook").count() == 1
    assert [w["url"] for w in api.get("/api/v1/webhooks").json()] == [url]

    # A test ping reaches the receiver signed, and says what it answered.
    pinged = api.post(f"/api/v1/webhooks/{hook.json()['id']}/test")
    assert pinged.json() == {"ok": True, "status_code": 204, "error": None}
    assert [e["event"] for e in got.processed.values()].count("ping") == 1 and got.bad == []
