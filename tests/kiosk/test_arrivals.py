"""Someone checked in elsewhere (by hand, a photo, another kiosk) is greeted "already checked
in at" their first arrival; the kiosk goes by its token's name; a revoked token ends it soon."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
from test_sightings import AN, BINH, MATCH, FakeSender, MemoryServer, image, make_loop, play

from kiosk.arrivals import ArrivalBook
from kiosk.client import KioskClient, TokenRefused
from kiosk.loop import KioskLoop
from kiosk.options import KioskOptions
from kiosk.outbox import CheckinEvent, Outcome, SendResult
from kiosk.screen import ScreenKind
from kiosk.sync import GallerySync
from wire.kiosk import KioskArrivalsRead, KioskGalleryRead

HANOI = timezone(timedelta(hours=7))
BY_HAND = datetime(2026, 12, 7, 6, 33, tzinfo=HANOI)


class PresentServer:
    """GET /kiosk/arrivals: Bình present in meeting 7 since 06:33, checked in by hand."""

    def __init__(self) -> None:
        self.polls = 0

    def arrivals(self, *, etag: str | None) -> KioskArrivalsRead | None:
        self.polls += 1
        body = {"meeting_id": 7, "arrivals": [{"person_id": BINH, "at": BY_HAND.isoformat()}]}
        return KioskArrivalsRead.model_validate({"etag": "a1", "meetings": [body]})


def loop_with(tmp_path: Path, book: ArrivalBook, frames: list | None = None) -> KioskLoop:
    loop = make_loop(tmp_path, FakeSender(), frames)
    loop.arrivals = loop.greeter.arrivals = book
    return loop


def test_someone_the_server_says_is_in_is_greeted_with_the_first_arrival_and_not_queued(
    tmp_path: Path,
) -> None:
    book = ArrivalBook(PresentServer())
    assert book.poll()
    loop = loop_with(tmp_path, book)
    play(loop, [image(1, MATCH)] * 3)  # Bình walks past the kiosk
    (card,) = loop.screen.latest()
    assert card.kind is ScreenKind.ALREADY_CHECKED_IN and card.checked_in_at is not None
    assert card.checked_in_at.strftime("%H:%M") == "06:33"
    assert card.status() == ("Đã điểm danh lúc 06:33", "Already checked in at 06:33")
    assert loop.outbox.pending() == [] and loop.stats.enqueued == 0


def test_a_card_shown_before_the_server_answered_is_corrected_to_the_first_arrival(
    tmp_path: Path,
) -> None:
    loop = make_loop(tmp_path, FakeSender())
    play(loop, [image(1, MATCH)] * 3)
    (event,) = loop.outbox.pending()
    (shown,) = loop.screen.now_json()["cards"]  # type: ignore[index]
    assert shown["kind"] == "welcome"
    # The courier's delivery: 200, created false, the arrival typed in by hand at 06:33.
    loop.greeter.answered(event, SendResult(Outcome.DELIVERED, arrived_at=BY_HAND.isoformat()))
    (card,) = loop.screen.now_json()["cards"]  # type: ignore[index]
    assert card["kind"] == "already_checked_in" and card["id"] != shown["id"]
    assert card["status_vi"] == "Đã điểm danh lúc 06:33"
    assert card["status_en"] == "Already checked in at 06:33"
    # And the next sighting of Bình, a new track, says the same.
    play(loop, [image(0)] * 7 + [image(2, MATCH)] * 2, start_s=2)
    latest = loop.screen.latest()[0]
    assert latest.kind is ScreenKind.ALREADY_CHECKED_IN and latest.checked_in_at is not None
    assert latest.checked_in_at.strftime("%H:%M") == "06:33"


def test_a_check_in_answer_for_another_key_carries_the_first_arrival() -> None:
    first = {"created": False, "idempotency_key": "manual-1", "at": BY_HAND.isoformat()}
    own = {"created": False, "idempotency_key": "cửa-A:7:2", "at": BY_HAND.isoformat()}
    answers = iter([httpx.Response(200, json=first), httpx.Response(200, json=own)])
    client = KioskClient(
        "http://server", "t", transport=httpx.MockTransport(lambda _request: next(answers))
    )
    event = CheckinEvent("cửa-A:7:2", 7, BINH, datetime.now(HANOI).isoformat())
    assert client.send(event) == SendResult(Outcome.DELIVERED, arrived_at=BY_HAND.isoformat())
    assert client.send(event) == SendResult(Outcome.DELIVERED)  # its own earlier delivery


class NamedServer(MemoryServer):
    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        body = super().gallery(model=model, etag=etag)
        assert body is not None
        return body.model_copy(update={"kiosk_name": "cửa-tầng-2"})


class NamedSender(FakeSender):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def take_name(self, name: str) -> None:
        self.names.append(name)


def named_run(tmp_path: Path, server: MemoryServer, options: KioskOptions) -> NamedSender:
    sender = NamedSender()
    loop = make_loop(tmp_path, sender, [image(1, MATCH)] * 3)
    loop.sender = sender
    loop.sync = GallerySync(server, model_key=loop.sync.model_key, dim=4)
    loop.options = options
    assert loop.run() == 0
    return sender


def test_without_a_name_the_kiosk_is_named_as_its_token_and_a_name_overrides(
    tmp_path: Path,
) -> None:
    sender = named_run(tmp_path / "a", NamedServer(), KioskOptions(host_name="vm"))
    assert sender.names == ["cửa-tầng-2"]  # its check-ins' source is kiosk:cửa-tầng-2
    assert [e.idempotency_key for e in sender.checkins] == [f"cửa-tầng-2:7:{BINH}"]
    sender = named_run(tmp_path / "b", NamedServer(), KioskOptions(name="cửa-A", host_name="vm"))
    assert sender.names == ["cửa-A"]
    assert [e.idempotency_key for e in sender.checkins] == [f"cửa-A:7:{BINH}"]
    # An admin token (or an older server) names no kiosk: the host's name.
    sender = named_run(tmp_path / "c", MemoryServer(), KioskOptions(host_name="vm"))
    assert [e.idempotency_key for e in sender.checkins] == [f"vm:7:{BINH}"]


class RevokedArrivals:
    def arrivals(self, *, etag: str | None) -> KioskArrivalsRead | None:
        raise TokenRefused(401)


def test_a_revoked_token_stops_the_kiosk_within_seconds_with_nobody_to_check_in(
    tmp_path: Path,
) -> None:
    # An empty room for a minute at 20 frames a second: no check-in to deliver, so only
    # the arrivals poll (every second here) can hear the 401.
    loop = make_loop(tmp_path, FakeSender(), [image(0)] * 1200)
    loop.arrivals = ArrivalBook(RevokedArrivals())
    loop.options = KioskOptions(name="cửa-A", frame_interval_s=0.05, arrivals_interval_s=1.0)
    status: list[int] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: status.append(loop.run()), daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive() and status == [2]
    assert time.monotonic() - started < 10
    assert loop.stats.frames < 200


def test_a_check_in_heard_between_polls_is_kept_until_a_later_poll_answers_for_it() -> None:
    clock = [100.0]
    server = PresentServer()
    book = ArrivalBook(server, clock=lambda: clock[0])
    book.heard(7, AN, BY_HAND)
    assert book.first_arrival(7, AN) == BY_HAND
    clock[0] = 101.0
    assert book.poll()  # asked after An's answer, and An is not listed: left since
    assert book.first_arrival(7, AN) is None
    assert book.first_arrival(7, BINH) == BY_HAND
