"""The kiosk's first steps and last words: a warm model, the first gallery, a refusal said."""

from __future__ import annotations

import logging
import threading

import numpy as np

from kiosk.capture import Backoff
from kiosk.client import KioskRefused, failure_text
from kiosk.metrics import KioskMetrics
from kiosk.outbox import PENDING, Outbox
from kiosk.sync import GallerySync, ModelMismatch
from models.packs import FacePipeline
from models.types import DetectedFace

logger = logging.getLogger(__name__)


def warm_up(pipeline: FacePipeline) -> None:
    """One inference on a blank frame, so the first person is not kept waiting."""
    blank = np.zeros((480, 640, 3), dtype=np.uint8)
    pipeline.detect(blank)
    landmarks = np.array(
        [[280, 220], [360, 220], [320, 260], [290, 300], [350, 300]], dtype=np.float32
    )
    face = DetectedFace(box=(260.0, 180.0, 120.0, 150.0), score=1.0, landmarks=landmarks)
    pipeline.embed(blank, [face])
    if pipeline.second is not None:
        pipeline.embed_second(blank, [face])


def first_sync(sync: GallerySync, metrics: KioskMetrics, stop_event: threading.Event) -> bool:
    """The gallery, retried while the server is unreachable; False when refused or stopped."""
    failures = 0
    while not stop_event.is_set():
        try:
            sync.sync()
            metrics.synced()
            return True
        except (ModelMismatch, KioskRefused) as exc:  # nothing to wait for: say so, stop
            logger.error("%s", exc)
            return False
        except Exception as exc:  # unreachable or refusing: try again, it may come back
            failures += 1
            delay = Backoff().delay(failures)
            logger.warning(
                "first gallery sync failed (%s); retrying in %.1f s", failure_text(exc), delay
            )
            stop_event.wait(delay)
    return False


def say_refused(refused: KioskRefused, outbox: Outbox) -> None:
    logger.error("%s", refused)
    pending = outbox.counts()[PENDING]
    if pending:
        logger.error(
            "%d lượt điểm danh vẫn nằm trong hộp thư đi, sẽ được gửi khi kiosk chạy lại với "
            "cấu hình đúng. %d check-ins stay in the outbox and are sent when the kiosk "
            "runs again, set up right.",
            pending,
            pending,
        )
