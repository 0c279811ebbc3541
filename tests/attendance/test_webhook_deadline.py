"""A webhook receiver that hangs (trickles a byte every few tenths of a second) holds only
its own delivery, and only until the attempt's deadline: a healthy webhook still gets its
event within seconds and another scheduled job keeps its period."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from attendance import outbound
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.scheduler import Job, Scheduler
from attendance.settings import WebhookSettings
from attendance.webhooks.delivery import delivery_job
from attendance.webhooks.manage import create_webhook
from attendance.webhooks.sending import Claimed, send
from attendance.webhooks.tables import DELIVERED, PENDING, WebhookDelivery

SECRET = "webhook-secret-0123456789"
STOP = threading.Event()
RECEIVED: list[bytes] = []


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path.endswith("/ok"):  # directly, or through it as a proxy (a full URL)
            RECEIVED.append(body)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/trickle-status":  # even the status line comes a byte at a time
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                if STOP.wait(0.2):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
            return
        self.send_response(200)  # /trickle: a promised large body, a byte at a time
        self.send_header("Content-Length", "100000")
        self.end_headers()
        while not STOP.wait(0.2):
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:  # the sender stopped listening, as it should
                return

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    STOP.clear()
    RECEIVED.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    STOP.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def test_an_attempt_ends_at_its_deadline_though_the_status_line_trickles(receiver: str) -> None:
    item = Claimed(1, receiver + "/trickle-status", SECRET, "absent", b"{}", 1)
    started = time.monotonic()
    answer = send(item, timestamp=int(time.time()), timeout_seconds=1.0)
    assert time.monotonic() - started < 2.0
    assert not answer.ok and answer.status_code is None
    assert answer.error == "no answer within the deadline of 1 s for the attempt"


def test_a_2xx_whose_body_trickles_is_delivered_without_reading_the_body(receiver: str) -> None:
    item = Claimed(1, receiver + "/trickle", SECRET, "absent", b"{}", 1)
    started = time.monotonic()
    answer = send(item, timestamp=int(time.time()), timeout_seconds=3.0)
    assert answer.ok and answer.status_code == 200
    assert time.monotonic() - started < 1.0


def test_a_hanging_receiver_delays_neither_a_healthy_webhook_nor_another_job(
    receiver: str, factory: sessionmaker[Session]
) -> None:
    with unit_of_work(factory) as session:  # the bad one first: its delivery is first in line
        bad = create_webhook(
            session, url=receiver + "/trickle-status", events=["absent"], secret=SECRET, actor="t"
        ).id
        create_webhook(session, url=receiver + "/ok", events=["absent"], secret=SECRET, actor="t")
        outbound.publish(session, event="absent", data={"person": {"id": 1}})
        outbound.publish(session, event="absent", data={"person": {"id": 2}})
    settings = WebhookSettings(timeout_seconds=1.5, period_seconds=0.1)
    ticks: list[float] = []
    scheduler = Scheduler(
        [
            Job("webhooks", delivery_job(factory, settings), 0.1),
            Job("absent_cutoff", lambda: ticks.append(time.monotonic()), 0.1),
        ]
    )
    started = time.monotonic()
    scheduler.start()
    try:
        while len(RECEIVED) < 2 and time.monotonic() - started < 10:
            time.sleep(0.05)
        healthy_after = time.monotonic() - started
        time.sleep(3.0)  # past the bad attempt's deadline, and into the next run's
    finally:
        scheduler.stop(timeout=5)
    assert len(RECEIVED) == 2 and healthy_after < 1.0  # not behind the hanging receiver
    assert len(ticks) >= 20  # the other job ran on its period all along
    with factory() as session:
        query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == bad)
        rows = list(session.scalars(query))
        assert len(rows) == 2
        # Each attempt ended at its deadline; the second, given back after the first hung,
        # was tried by the next run (not left waiting for its lease).
        for row in rows:
            assert row.status == PENDING and row.attempts == 1
            assert row.last_error == "no answer within the deadline of 1.5 s for the attempt"
        others = session.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id != bad))
        assert [r.status for r in others] == [DELIVERED, DELIVERED]


def test_a_proxy_from_the_environment_is_still_used(
    receiver: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("no_proxy", "NO_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", receiver)  # the receiver plays the office's proxy
    item = Claimed(1, "http://sms-gateway.invalid/ok", SECRET, "absent", b'{"x":1}', 1)
    answer = send(item, timestamp=int(time.time()), timeout_seconds=3.0)
    assert answer.ok, answer.error
    assert RECEIVED == [b'{"x":1}']
