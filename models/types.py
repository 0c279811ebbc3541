"""Typed values that cross the models/ boundary: faces, embeddings, model identity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class DetectedFace:
    """One detected face in the coordinates of the image that was passed in."""

    box: tuple[float, float, float, float]  # x, y, width, height in pixels
    score: float
    landmarks: NDArray[np.float32]  # (5, 2): right eye, left eye, nose, right/left mouth corner

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]

    @property
    def short_side(self) -> float:
        return min(self.box[2], self.box[3])


@dataclass(frozen=True)
class ModelFile:
    name: str
    sha256: str


@dataclass(frozen=True)
class ModelIdentity:
    """What produced an embedding; templates of different identities are never compared."""

    pack: str
    files: tuple[ModelFile, ...]
    dim: int
    variant: str = ""  # changes to preprocessing that change the embedding (e.g. flip averaging)

    @property
    def key(self) -> str:
        hashes = "+".join(f.sha256[:12] for f in self.files)
        suffix = f":{self.variant}" if self.variant else ""
        return f"{self.pack}:{hashes}:{self.dim}{suffix}"


class FaceDetector(Protocol):
    def detect(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        """Faces ready to embed: `refine(image, detect_coarse(image))`."""
        ...

    def detect_coarse(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        """A cheaper first look, good for finding and following faces."""
        ...

    def refine(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> list[DetectedFace]:
        """Make coarse faces ready to embed (for detectors with one look, unchanged)."""
        ...

    def confidence(self, image_bgr: NDArray[np.uint8], face: DetectedFace) -> float:
        """How sure the detector is that `face` is a human face (0..1), looking again."""
        ...


@runtime_checkable
class PhotoDetector(Protocol):
    """A detector that also finds the small faces of a large photo (a class from the front)."""

    def detect_all(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        """Every face, however small, ready to embed."""
        ...


class FaceEmbedder(Protocol):
    @property
    def dim(self) -> int: ...

    def embed(
        self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]
    ) -> NDArray[np.float32]: ...
