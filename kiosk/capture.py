"""Frames from a camera, a stream, a video file or a folder of images, on a capture thread."""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


@dataclass(frozen=True)
class Frame:
    index: int
    image: NDArray[np.uint8]  # BGR
    captured_at: float  # time.monotonic()


# The capture thread puts None after the last frame of a finite source.
FrameQueue = queue.Queue[Frame | None]


class FrameSource(Protocol):
    @property
    def finite(self) -> bool: ...

    def open(self) -> bool: ...

    def read(self) -> NDArray[np.uint8] | None: ...

    def close(self) -> None: ...


class VideoSource:
    """A camera index, an RTSP/HTTP stream URL, or a video file, through OpenCV."""

    def __init__(self, target: int | str, *, finite: bool) -> None:
        self.target = target
        self._finite = finite
        self._capture: cv2.VideoCapture | None = None

    @property
    def finite(self) -> bool:
        return self._finite

    def open(self) -> bool:
        self.close()
        capture = cv2.VideoCapture(self.target)
        if not capture.isOpened():
            capture.release()
            return False
        self._capture = capture
        return True

    def read(self) -> NDArray[np.uint8] | None:
        if self._capture is None:
            return None
        ok, image = self._capture.read()
        return np.ascontiguousarray(image) if ok and image is not None else None

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class FolderSource:
    """The images of a folder in name order; unreadable files are skipped with a warning."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._paths: list[Path] = []
        self._next = 0

    @property
    def finite(self) -> bool:
        return True

    def open(self) -> bool:
        self._paths = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        self._next = 0
        return True

    def read(self) -> NDArray[np.uint8] | None:
        while self._next < len(self._paths):
            path = self._paths[self._next]
            self._next += 1
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is not None:
                return np.ascontiguousarray(image)
            logger.warning("skipping unreadable image %s", path)
        return None

    def close(self) -> None:
        self._paths = []


def open_source(spec: str) -> FrameSource:
    """A camera index ('0'), a stream URL, a video file or a folder of images."""
    if spec.isdigit():
        return VideoSource(int(spec), finite=False)
    if "://" in spec:
        return VideoSource(spec, finite=False)
    path = Path(spec)
    if path.is_dir():
        return FolderSource(path)
    if path.is_file():
        return VideoSource(str(path), finite=True)
    raise FileNotFoundError(f"No camera, stream, video file or folder at {spec!r}.")


@dataclass(frozen=True)
class Backoff:
    initial_s: float = 0.5
    maximum_s: float = 30.0

    def delay(self, failures: int) -> float:
        return float(min(self.maximum_s, self.initial_s * 2 ** max(0, failures - 1)))


class CaptureThread(threading.Thread):
    """Reads frames into a bounded queue until the input ends or `stop_event` is set.

    With `drop_when_full` (live sources) the oldest queued frame gives way to the newest,
    so recognition sees the present, and the drops are counted. Otherwise (files, folders)
    the thread waits for room, so every frame is processed. A live source that fails is
    reopened with exponential back-off; a finite one ends the input. `frame_interval_s`
    paces a finite source (a test or a demo playing a file as if it were a camera).
    """

    def __init__(
        self,
        source: FrameSource,
        frames: FrameQueue,
        stop_event: threading.Event,
        *,
        drop_when_full: bool,
        backoff: Backoff = Backoff(),
        frame_interval_s: float = 0.0,
    ) -> None:
        super().__init__(name="kiosk-capture", daemon=True)
        self.source = source
        self.frames = frames
        self.stop_event = stop_event
        self.drop_when_full = drop_when_full
        self.backoff = backoff
        self.frame_interval_s = frame_interval_s
        self.dropped = 0
        self.captured = 0
        self.reconnects = 0

    def run(self) -> None:
        try:
            self._capture()
        except Exception:  # the top of a long-running loop: log, end the input
            logger.exception("capture failed")
        finally:
            self.source.close()
            self._put(None)

    def _capture(self) -> None:
        failures = 0
        opened = False
        while not self.stop_event.is_set():
            if not opened:
                opened = self.source.open()
                if not opened:
                    failures += 1
                    if self.source.finite:
                        logger.error("cannot open the video input")
                        return
                    delay = self.backoff.delay(failures)
                    logger.warning("camera unavailable; retrying in %.1f s", delay)
                    self.stop_event.wait(delay)
                    continue
                if failures:
                    self.reconnects += 1
                    logger.info("camera reconnected after %d failed attempts", failures)
            image = self.source.read()
            if image is None:
                if self.source.finite:
                    logger.info("end of input after %d frames", self.captured)
                    return
                failures += 1
                opened = False
                self.source.close()
                delay = self.backoff.delay(failures)
                logger.warning("camera read failed; reconnecting in %.1f s", delay)
                self.stop_event.wait(delay)
                continue
            failures = 0
            self._put(Frame(self.captured, image, time.monotonic()))
            self.captured += 1
            if self.frame_interval_s > 0:
                self.stop_event.wait(self.frame_interval_s)

    def _put(self, item: Frame | None) -> None:
        if self.drop_when_full and item is not None:
            while True:
                try:
                    self.frames.put_nowait(item)
                    return
                except queue.Full:
                    try:
                        self.frames.get_nowait()
                        self.dropped += 1
                    except queue.Empty:
                        pass
        while True:
            try:
                self.frames.put(item, timeout=0.2)
                return
            except queue.Full:
                # Stopping: the consumer stops on the same event and reads no more.
                if self.stop_event.is_set():
                    return
