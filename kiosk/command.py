"""`attendance kiosk`: builds the kiosk from settings and options and runs it until stopped."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType

from api.services import load_pipeline
from attendance.matching import MatchPolicy
from attendance.settings import Settings
from kiosk.capture import open_source
from kiosk.client import KioskClient
from kiosk.loop import KioskLoop, KioskOptions
from kiosk.outbox import Outbox
from kiosk.sync import GallerySync

logger = logging.getLogger(__name__)


def run_kiosk(
    settings: Settings,
    *,
    server: str,
    token: str,
    source: str,
    room: str | None,
    outbox_path: Path,
    name: str,
    frame_interval_s: float = 0.0,
) -> int:
    """Run until the input ends (file, folder) or SIGINT/SIGTERM; the exit status."""
    # httpx logs every request at INFO: a kiosk posting all day would drown its own log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    frames = open_source(source)
    pipeline = load_pipeline(settings)
    logger.info("model pack %s loaded", pipeline.identity.key)
    client = KioskClient(server, token, room=room, source=f"kiosk:{name}")
    stop_event = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %d: stopping after the current frame", signum)
        stop_event.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        loop = KioskLoop(
            pipeline=pipeline,
            sync=GallerySync(client, model_key=pipeline.identity.key, dim=pipeline.identity.dim),
            outbox=Outbox(outbox_path),
            sender=client,
            source=frames,
            policy=MatchPolicy(threshold=settings.match.threshold, margin=settings.match.margin),
            options=KioskOptions(
                name=name, top_k=settings.match.top_k, frame_interval_s=frame_interval_s
            ),
            stop_event=stop_event,
        )
        return loop.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        client.close()
