"""The kiosk's background link to the server: delivers the outbox, re-syncs the gallery and
asks who is present."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

from kiosk.arrivals import ARRIVALS_INTERVAL_S, ArrivalBook
from kiosk.client import KioskRefused, failure_text
from kiosk.metrics import KioskMetrics
from kiosk.outbox import CheckinEvent, Outbox, Sender, SendResult
from kiosk.sighting_outbox import SightingOutbox, SightingSender
from kiosk.sync import GallerySync

logger = logging.getLogger(__name__)

# How often an idle courier looks at the outbox even without being woken.
_IDLE_POLL_S = 1.0

Answered = Callable[[CheckinEvent, SendResult], None]


class _Listening:
    """A sender that passes each answer on (a check-in of someone already in, since when)."""

    def __init__(self, sender: Sender, on_answer: Answered) -> None:
        self.sender = sender
        self.on_answer = on_answer

    def send(self, event: CheckinEvent) -> SendResult:
        result = self.sender.send(event)
        try:
            self.on_answer(event, result)
        except Exception:  # the screen's correction must not hold up delivery
            logger.exception("check-in answer not shown")
        return result


class Courier(threading.Thread):
    """Runs until `stop_event`: network waits here never hold up the frame loop. A refusal of
    the kiosk itself (KioskRefused) is not retried: it goes to `on_refused` and this stops,
    leaving what was not delivered in the outboxes. With `arrivals`, asks the server every
    `arrivals_interval_s` who is present (and so learns within seconds of a revoked token);
    `on_answer` hears each check-in's answer."""

    def __init__(
        self,
        outbox: Outbox,
        sender: Sender,
        sync: GallerySync,
        stop_event: threading.Event,
        *,
        sync_interval_s: float,
        metrics: KioskMetrics | None = None,
        sightings: tuple[SightingOutbox, SightingSender] | None = None,
        on_refused: Callable[[KioskRefused], None] | None = None,
        arrivals: ArrivalBook | None = None,
        arrivals_interval_s: float = ARRIVALS_INTERVAL_S,
        on_answer: Answered | None = None,
    ) -> None:
        super().__init__(name="kiosk-courier", daemon=True)
        self.outbox = outbox
        self.sender = sender
        self.sync = sync
        self.stop_event = stop_event
        self.sync_interval_s = sync_interval_s
        self.metrics = metrics or KioskMetrics()
        self.sightings = sightings
        self.on_refused = on_refused
        self.arrivals = arrivals
        self.arrivals_interval_s = arrivals_interval_s
        self._sender: Sender = sender if on_answer is None else _Listening(sender, on_answer)
        self.refused: KioskRefused | None = None
        self.wake = threading.Event()

    def run(self) -> None:
        try:
            self._run()
        except KioskRefused as exc:
            self.refused = exc
            if self.on_refused is not None:
                self.on_refused(exc)

    def _run(self) -> None:
        next_sync = time.monotonic() + self.sync_interval_s
        next_arrivals = time.monotonic()  # at once: who came in before the kiosk started
        while not self.stop_event.is_set():
            if time.monotonic() >= next_sync:
                next_sync = time.monotonic() + self.sync_interval_s
                self._sync()
            if self.arrivals is not None and time.monotonic() >= next_arrivals:
                next_arrivals = time.monotonic() + self.arrivals_interval_s
                self._poll_arrivals(self.arrivals)
            wait = _IDLE_POLL_S
            try:
                report = self.outbox.deliver(self._sender)
                self.metrics.sent(report.delivered)
                if report.retry_in_s is not None:
                    wait = report.retry_in_s
            except KioskRefused:
                raise
            except Exception:  # the top of a long-running loop: log and go on
                logger.exception("outbox delivery failed")
            wait = min(wait, self._deliver_sightings())
            due = next_sync if self.arrivals is None else min(next_sync, next_arrivals)
            wait = max(0.01, min(wait, due - time.monotonic()))
            self.wake.wait(wait)
            self.wake.clear()

    def _deliver_sightings(self) -> float:
        """After the check-ins, which matter more; seconds until it must try again (inf: no
        need, the check-ins' wait decides)."""
        if self.sightings is None:
            return math.inf
        outbox, sender = self.sightings
        try:
            retry_in = outbox.deliver(sender).retry_in_s
        except KioskRefused:
            raise
        except Exception:  # the top of a long-running loop: log and go on
            logger.exception("sighting delivery failed")
            return _IDLE_POLL_S
        return math.inf if retry_in is None else retry_in

    def _poll_arrivals(self, book: ArrivalBook) -> None:
        try:
            book.poll()
        except KioskRefused:
            raise
        except Exception as exc:  # every few seconds: the delivery's warnings say enough
            logger.debug("arrivals poll failed: %s", failure_text(exc))

    def _sync(self) -> None:
        try:
            self.sync.sync()
            self.metrics.synced()
        except KioskRefused:
            raise
        except Exception as exc:  # keep the gallery we have; try again at the next interval
            logger.warning("gallery sync failed, keeping the current one: %s", failure_text(exc))
