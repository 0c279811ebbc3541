"""`attendance kiosk`: builds the kiosk from settings and options and runs it until stopped."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType

from attendance.matching import kiosk_match_policy
from attendance.settings import Settings
from kiosk.arrivals import ArrivalBook
from kiosk.capture import open_source
from kiosk.client import KioskClient
from kiosk.loop import KioskLoop, KioskOptions
from kiosk.metrics import prometheus_text
from kiosk.outbox import Outbox
from kiosk.screen import ScreenLog
from kiosk.screen_page import screen_routes
from kiosk.second_look import second_look_for
from kiosk.sighting_outbox import SightingOutbox
from kiosk.sync import GallerySync
from kiosk.web import DEFAULT_LISTEN, KioskWebServer, Reply, Route, parse_listen
from usecases.pipeline import load_pipeline

logger = logging.getLogger(__name__)


def run_kiosk(
    settings: Settings,
    *,
    server: str,
    token: str,
    source: str,
    room: str | None,
    outbox_path: Path,
    name: str | None,
    host_name: str = "kiosk",
    frame_interval_s: float = 0.0,
    listen: str = DEFAULT_LISTEN,
    screen: ScreenLog | None = None,
) -> int:
    """Run until the input ends (file, folder) or SIGINT/SIGTERM; the exit status. `name`
    None: the kiosk token's name as the server says it, else `host_name`."""
    address = parse_listen(listen)
    # httpx logs every request at INFO: a kiosk posting all day would drown its own log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    frames = open_source(source)
    pipeline = load_pipeline(settings)
    logger.info("model pack %s loaded", pipeline.identity.key)
    second_look = second_look_for(pipeline)
    client = KioskClient(server, token, room=room, source=f"kiosk:{name or host_name}")
    stop_event = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %d: stopping after the current frame", signum)
        stop_event.set()

    web: KioskWebServer | None = None
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        loop = KioskLoop(
            pipeline=pipeline,
            sync=GallerySync(
                client,
                model_key=pipeline.identity.key,
                dim=pipeline.identity.dim,
                zone=settings.timezone,
                second=(
                    GallerySync(client, model_key=second_look.second_key, dim=second_look.dim)
                    if second_look is not None
                    else None
                ),
            ),
            outbox=Outbox(outbox_path),
            sender=client,
            source=frames,
            policy=kiosk_match_policy(settings, model_key=pipeline.identity.key),
            options=KioskOptions(
                name=name,
                host_name=host_name,
                top_k=settings.match.top_k,
                frame_interval_s=frame_interval_s,
                arrivals_interval_s=settings.kiosk.arrivals_seconds,
            ),
            stop_event=stop_event,
            screen=screen or ScreenLog(card_seconds=settings.kiosk.card_seconds),
            sightings=(SightingOutbox(outbox_path), client),
            arrivals=ArrivalBook(client),
            second_look=second_look,
        )
        if address is not None:
            web = KioskWebServer(address, kiosk_routes(loop), stop_event)
            web.start()
        return loop.run()
    finally:
        stop_event.set()
        if web is not None:
            web.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        client.close()


def kiosk_routes(loop: KioskLoop) -> dict[str, Route]:
    def metrics(_query: dict[str, str]) -> Reply:
        body = prometheus_text(loop.health()).encode()
        return Reply(body, "text/plain; version=0.0.4; charset=utf-8")

    return {"/metrics": metrics, **screen_routes(loop.screen)}
