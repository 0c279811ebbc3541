"""The durable outbox with a fake sender: order, back-off, rejection, restarts."""

from __future__ import annotations

from pathlib import Path

from kiosk.outbox import CheckinEvent, Outbox, Outcome, SendResult


class FakeSender:
    def __init__(self) -> None:
        self.received: list[str] = []
        self.answers: dict[str, list[SendResult]] = {}
        self.down = False

    def send(self, event: CheckinEvent) -> SendResult:
        if self.down:
            return SendResult(Outcome.RETRY, "connection refused")
        queued = self.answers.get(event.idempotency_key)
        result = queued.pop(0) if queued else SendResult(Outcome.DELIVERED)
        if result.outcome is Outcome.DELIVERED:
            self.received.append(event.idempotency_key)
        return result


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def event(key: str, person: int = 1) -> CheckinEvent:
    return CheckinEvent(key, meeting_id=3, person_id=person, at="2026-03-02T08:01:00+07:00")


def test_events_are_delivered_in_order_and_each_key_is_stored_once(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite")
    assert outbox.enqueue(event("k:3:1", 1))
    assert outbox.enqueue(event("k:3:2", 2))
    assert not outbox.enqueue(event("k:3:1", 1))
    sender = FakeSender()
    report = outbox.deliver(sender)
    assert (report.delivered, report.pending, report.retry_in_s) == (2, 0, None)
    assert sender.received == ["k:3:1", "k:3:2"]
    assert outbox.deliver(sender).delivered == 0
    assert outbox.counts() == {"pending": 0, "sent": 2, "rejected": 0}


def test_unreachable_server_backs_off_then_delivers_everything(tmp_path: Path) -> None:
    clock = FakeClock()
    outbox = Outbox(tmp_path / "o.sqlite", initial_backoff_s=1, max_backoff_s=4, clock=clock)
    for n in range(3):
        outbox.enqueue(event(f"k:3:{n}", n))
    sender = FakeSender()
    sender.down = True
    delays = []
    for _ in range(4):
        report = outbox.deliver(sender)
        assert report.delivered == 0 and report.pending == 3
        assert report.retry_in_s is not None
        delays.append(report.retry_in_s)
        assert outbox.deliver(sender).retry_in_s == report.retry_in_s  # waits, sends nothing
        clock.now += report.retry_in_s
    assert delays == [1, 2, 4, 4]
    sender.down = False
    assert outbox.deliver(sender).delivered == 3
    assert sender.received == ["k:3:0", "k:3:1", "k:3:2"]


def test_refused_event_is_recorded_and_not_sent_again(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.sqlite")
    outbox.enqueue(event("k:3:1"))
    outbox.enqueue(event("k:3:2", 2))
    sender = FakeSender()
    sender.answers["k:3:1"] = [SendResult(Outcome.REJECTED, "HTTP 422: not on the roster")]
    report = outbox.deliver(sender)
    assert (report.delivered, report.rejected) == (1, 1)
    assert outbox.deliver(sender).rejected == 0
    assert sender.received == ["k:3:2"]
    assert outbox.counts() == {"pending": 0, "sent": 1, "rejected": 1}


def test_pending_events_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite"
    first = Outbox(path)
    first.enqueue(event("k:3:1"))
    down = FakeSender()
    down.down = True
    first.deliver(down)
    del first
    again = Outbox(path)
    assert [e.idempotency_key for e in again.pending()] == ["k:3:1"]
    assert not again.enqueue(event("k:3:1"))
    sender = FakeSender()
    assert again.deliver(sender).delivered == 1
    assert sender.received == ["k:3:1"]


def test_the_outbox_and_its_folder_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    # Pending check-ins name people and pending sightings hold face crops.
    outbox = Outbox(tmp_path / "kiosk" / "outbox.sqlite")
    assert outbox.enqueue(event("k:3:1"))
    assert (tmp_path / "kiosk").stat().st_mode & 0o777 == 0o700
    files = sorted((tmp_path / "kiosk").iterdir())
    assert files and {p.name: p.stat().st_mode & 0o077 for p in files} == {p.name: 0 for p in files}
