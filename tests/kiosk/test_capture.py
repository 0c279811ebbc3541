"""The capture thread with fake sources: end of input, drops counted, reconnection."""

from __future__ import annotations

import queue
import threading
from itertools import pairwise
from pathlib import Path

import cv2
import numpy as np

from kiosk.capture import Backoff, CaptureThread, FolderSource, Frame, open_source


class FlakyCamera:
    """A live source that fails to open once and loses the picture after 3 frames."""

    finite = False

    def __init__(self, stop_after: int) -> None:
        self.opens = 0
        self.reads = 0
        self.stop_after = stop_after
        self.stop_event = threading.Event()

    def open(self) -> bool:
        self.opens += 1
        return self.opens != 1

    def read(self) -> np.ndarray | None:
        self.reads += 1
        if self.reads >= self.stop_after:
            self.stop_event.set()
        if self.reads == 4:
            return None
        return np.zeros((4, 4, 3), np.uint8)

    def close(self) -> None:
        pass


def drain(frames: queue.Queue[Frame | None]) -> list[Frame | None]:
    items = []
    while not frames.empty():
        items.append(frames.get_nowait())
    return items


def test_folder_source_delivers_every_image_in_order_then_ends(tmp_path: Path) -> None:
    for n in range(5):
        cv2.imwrite(str(tmp_path / f"{n:03d}.jpg"), np.full((8, 8, 3), n * 40, np.uint8))
    (tmp_path / "notes.txt").write_text("not an image")
    source = open_source(str(tmp_path))
    assert isinstance(source, FolderSource) and source.finite
    frames: queue.Queue[Frame | None] = queue.Queue(maxsize=2)
    thread = CaptureThread(source, frames, threading.Event(), drop_when_full=False)
    thread.start()
    got = []
    while (item := frames.get(timeout=5)) is not None:
        got.append(item)
    thread.join(timeout=5)
    assert [f.index for f in got] == [0, 1, 2, 3, 4]
    assert thread.dropped == 0


def test_live_source_drops_the_oldest_frames_and_reconnects() -> None:
    camera = FlakyCamera(stop_after=12)
    frames: queue.Queue[Frame | None] = queue.Queue(maxsize=2)
    thread = CaptureThread(
        camera, frames, camera.stop_event, drop_when_full=True, backoff=Backoff(0.001, 0.01)
    )
    thread.run()  # in this thread: it returns when the camera sets the stop event
    items = drain(frames)
    assert camera.opens == 3  # failed once, then opened, then reopened after the lost picture
    assert thread.reconnects >= 1
    assert thread.captured == 11
    assert thread.dropped == thread.captured - 2
    assert [f.index for f in items if f is not None] == [9, 10]


def test_frame_interval_paces_a_finite_source(tmp_path: Path) -> None:
    for n in range(4):
        cv2.imwrite(str(tmp_path / f"{n:03d}.png"), np.zeros((4, 4, 3), np.uint8))
    frames: queue.Queue[Frame | None] = queue.Queue(maxsize=8)
    thread = CaptureThread(
        open_source(str(tmp_path)),
        frames,
        threading.Event(),
        drop_when_full=False,
        frame_interval_s=0.05,
    )
    thread.run()
    items = [f for f in drain(frames) if f is not None]
    gaps = [b.captured_at - a.captured_at for a, b in pairwise(items)]
    assert len(items) == 4
    assert min(gaps) >= 0.045
