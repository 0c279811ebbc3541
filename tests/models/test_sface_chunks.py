"""A crowded photo's faces are embedded a chunk at a time: the runtime's batch (about 11 MB a
face) stays bounded however many faces there are (attack 12b, finding 1)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from models.sface import CHUNK, SFaceEmbedder
from models.types import DetectedFace


class RecordingSession:
    """Stands in for the ONNX session: a feature from each crop's mean, batch sizes kept."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def get_inputs(self) -> list[Any]:
        return [SimpleNamespace(name="in")]

    def get_outputs(self) -> list[Any]:
        return [SimpleNamespace(name="out")]

    def run(self, _outputs: list[str], feeds: dict[str, Any]) -> list[Any]:
        blob = feeds["in"]
        self.batches.append(len(blob))
        mean = blob.reshape(len(blob), -1).mean(axis=1, keepdims=True)
        return [np.hstack([mean + 1.0, np.ones((len(blob), 127), dtype=np.float32)])]


def crops(n: int) -> list[np.ndarray]:
    return [np.full((112, 112, 3), i, dtype=np.uint8) for i in range(n)]


def test_many_crops_are_embedded_in_batches_of_at_most_chunk() -> None:
    session = RecordingSession()
    embedder = SFaceEmbedder(session, flip=False)  # type: ignore[arg-type]
    many = embedder.embed_crops(crops(2 * CHUNK + 5))
    assert session.batches == [CHUNK, CHUNK, 5]
    one_by_one = np.concatenate([embedder.embed_crops([c]) for c in crops(2 * CHUNK + 5)])
    assert np.allclose(many, one_by_one)
    assert embedder.embed_crops([]).shape == (0, 128)


def test_embedding_faces_of_an_image_is_chunked_too() -> None:
    session = RecordingSession()
    embedder = SFaceEmbedder(session, flip=True)  # type: ignore[arg-type]
    image = np.zeros((400, 400, 3), dtype=np.uint8)
    landmarks = np.array([[30, 40], [70, 40], [50, 60], [35, 80], [65, 80]], dtype=np.float32)
    face = DetectedFace(box=(10.0, 10.0, 80.0, 100.0), score=0.9, landmarks=landmarks)
    out = embedder.embed(image, [face] * (CHUNK + 3))
    assert out.shape == (CHUNK + 3, 128)
    assert session.batches == [2 * CHUNK, 2 * 3]  # each batch with its mirror images
