"""A kiosk the server refuses for good stops with status 2; passing failures are retried."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from test_sightings import MATCH, FakeSender, MemoryServer, image, make_loop

from kiosk.client import KioskRefused, TokenRefused
from kiosk.loop import KioskOptions
from kiosk.outbox import PENDING, CheckinEvent, Outcome, SendResult
from kiosk.sync import GallerySync
from wire.kiosk import KioskGalleryRead, TemplatesRead


class RevokedSender(FakeSender):
    """The server after the kiosk's token was revoked: every delivery answers 401."""

    def send(self, event: CheckinEvent) -> SendResult:
        raise TokenRefused(401)


class FlakySender(FakeSender):
    """The server down for the first two tries (connection refused), then up."""

    def __init__(self) -> None:
        super().__init__()
        self.tries = 0

    def send(self, event: CheckinEvent) -> SendResult:
        self.tries += 1
        if self.tries <= 2:
            return SendResult(Outcome.RETRY, "server unreachable (ConnectError)")
        return super().send(event)


class WrongRoomServer(MemoryServer):
    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        raise KioskRefused(403, "Mã kiosk này dành cho phòng 'A'. This token is for room 'A'.")

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead:
        raise AssertionError("never reached")


def run_in_thread(run: Callable[[], int]) -> tuple[threading.Thread, list[int]]:
    status: list[int] = []
    thread = threading.Thread(target=lambda: status.append(run()), daemon=True)
    thread.start()
    return thread, status


def test_a_token_revoked_while_running_ends_the_kiosk_and_keeps_the_check_ins(
    tmp_path: Path,
) -> None:
    frames = [image(1, MATCH)] * 3 + [image(0)] * 200
    loop = make_loop(tmp_path, RevokedSender(), frames)
    loop.options = KioskOptions(name="cửa-A", frame_interval_s=0.05)
    thread, status = run_in_thread(loop.run)
    thread.join(timeout=20)
    assert not thread.is_alive(), "the kiosk kept running on a revoked token"
    assert status == [2]
    assert loop.outbox.counts()[PENDING] == 1  # Bình's check-in, for the next run
    assert loop.stats.frames < len(frames)  # it stopped, not at the end of the input


def test_a_wrong_room_at_the_start_ends_the_kiosk_without_retrying(tmp_path: Path) -> None:
    loop = make_loop(tmp_path, FakeSender(), [image(0)])
    loop.sync = GallerySync(WrongRoomServer(), model_key=loop.sync.model_key, dim=4)
    thread, status = run_in_thread(loop.run)
    thread.join(timeout=10)
    assert not thread.is_alive() and status == [2]
    assert loop.stats.frames == 0


def test_a_server_that_is_down_for_a_while_is_retried(tmp_path: Path) -> None:
    sender = FlakySender()
    frames = [image(1, MATCH)] * 3 + [image(0)] * 10
    loop = make_loop(tmp_path, sender, frames)
    loop.options = KioskOptions(name="cửa-A", drain_timeout_s=15)
    thread, status = run_in_thread(loop.run)
    thread.join(timeout=30)
    assert status == [0]
    assert sender.tries == 3 and [e.person_id for e in sender.checkins] == [2]
