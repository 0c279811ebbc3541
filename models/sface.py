"""SFace recognizer (OpenCV Zoo, 128-d) on ONNX Runtime, batched."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from models.align import aligned_crop
from models.types import DetectedFace

# Faces embedded in one runtime batch at most (memory stays bounded however many faces).
CHUNK = 16


def l2_normalise(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class SFaceEmbedder:
    """Embeds aligned crops. SFace takes RGB 112x112, values 0..255, no mean or std.

    With `flip=True` each embedding is the mean of the crop's and its mirror image's.
    """

    def __init__(self, session: ort.InferenceSession, *, flip: bool = False) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self._output = session.get_outputs()[0].name
        self.flip = flip

    @property
    def dim(self) -> int:
        return 128

    def embed_crops(self, crops_bgr: list[NDArray[np.uint8]]) -> NDArray[np.float32]:
        """In batches of at most CHUNK crops: a batch costs ~11 MB a face in the runtime, so
        one batch of every face of a crowded photo took gigabytes."""
        if not crops_bgr:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.concatenate(
            [self._embed_batch(crops_bgr[i : i + CHUNK]) for i in range(0, len(crops_bgr), CHUNK)]
        )

    def _embed_batch(self, crops_bgr: list[NDArray[np.uint8]]) -> NDArray[np.float32]:
        batch = np.stack(crops_bgr)[..., ::-1].astype(np.float32)  # BGR -> RGB
        blob = np.ascontiguousarray(batch.transpose(0, 3, 1, 2))
        if self.flip:
            blob = np.concatenate([blob, blob[..., ::-1]])
        (features,) = self._session.run([self._output], {self._input: blob})
        features = np.asarray(features, dtype=np.float32)
        if self.flip:
            n = len(crops_bgr)
            features = l2_normalise(features[:n]) + l2_normalise(features[n:])
        return l2_normalise(features)

    def embed(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        """Crops made a chunk at a time too, so only CHUNK of them are held at once."""
        if not faces:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.concatenate(
            [
                self._embed_batch([aligned_crop(image_bgr, f) for f in faces[i : i + CHUNK]])
                for i in range(0, len(faces), CHUNK)
            ]
        )
