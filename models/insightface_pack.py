"""InsightFace packs (SCRFD + ArcFace) loaded from a models directory with our own sessions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from insightface.model_zoo.arcface_onnx import ArcFaceONNX
from insightface.model_zoo.scrfd import SCRFD
from numpy.typing import NDArray

from models.align import aligned_crop
from models.fold import sha256_file
from models.packs import FacePipeline, ModelPackError, PackOptions
from models.session import create_session
from models.sface import l2_normalise
from models.types import DetectedFace, ModelFile, ModelIdentity

LICENCE_NOTE = (
    "InsightFace model weights are licensed for non-commercial research use only; "
    "the embedded 'sface' pack (Apache-2.0) needs no download."
)


class ScrfdDetector:
    def __init__(self, model: SCRFD, *, max_side: int, score_threshold: float) -> None:
        self._model = model
        self.max_side = max_side
        # Set as an attribute: the keyword for it differs between insightface releases.
        self._model.det_thresh = score_threshold

    def detect_coarse(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        return self.detect(image_bgr)  # SCRFD's landmarks need no second look

    def refine(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> list[DetectedFace]:
        return faces

    def confidence(self, image_bgr: NDArray[np.uint8], face: DetectedFace) -> float:
        # The not-a-human-face limit was measured on YuNet's second look only
        # (docs/benchmarks.md); SCRFD's scores run on another scale, so it is not applied.
        return 1.0

    def detect(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        size = (self.max_side, self.max_side)
        boxes, kps = self._model.detect(image_bgr, input_size=size)
        faces = []
        for i, (x1, y1, x2, y2, score) in enumerate(boxes):
            faces.append(
                DetectedFace(
                    box=(float(x1), float(y1), float(x2 - x1), float(y2 - y1)),
                    score=float(score),
                    landmarks=np.asarray(kps[i], dtype=np.float32),
                )
            )
        return faces


class ArcFaceEmbedder:
    def __init__(self, model: ArcFaceONNX, *, flip: bool) -> None:
        self._model = model
        self.flip = flip

    @property
    def dim(self) -> int:
        return int(self._model.session.get_outputs()[0].shape[1])

    def embed(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        if not faces:
            return np.zeros((0, self.dim), dtype=np.float32)
        crops = [aligned_crop(image_bgr, face) for face in faces]
        features = np.asarray(self._model.get_feat(crops), dtype=np.float32)
        if self.flip:
            mirrored = np.asarray(
                self._model.get_feat([c[:, ::-1].copy() for c in crops]), dtype=np.float32
            )
            features = l2_normalise(features) + l2_normalise(mirrored)
        return l2_normalise(features)


def _pick(pack_dir: Path, kind: str) -> Path:
    """SCRFD detectors are named det_*.onnx or scrfd_*.onnx; recognisers w600k_*/glintr100."""
    files = sorted(pack_dir.glob("*.onnx"))
    if kind == "detector":
        found = [f for f in files if f.name.startswith(("det_", "scrfd_"))]
    else:
        found = [f for f in files if f.name.startswith(("w600k_", "glintr100", "w"))]
    if not found:
        raise ModelPackError(f"No {kind} model found in {pack_dir}. {LICENCE_NOTE}")
    return found[0]


def load_insightface_pack(name: str, options: PackOptions) -> FacePipeline:
    pack_dir = options.models_dir / name
    if not pack_dir.is_dir():
        raise ModelPackError(
            f"Model pack {name!r} is not installed. Put its .onnx files in {pack_dir} "
            f"(unzip {name}.zip from the InsightFace releases there), or set ATTEND_MODELS__DIR. "
            + LICENCE_NOTE
        )
    det_path, rec_path = _pick(pack_dir, "detector"), _pick(pack_dir, "recognizer")
    scrfd = SCRFD(
        model_file=str(det_path), session=create_session(det_path, threads=options.threads)
    )
    arcface = ArcFaceONNX(
        model_file=str(rec_path), session=create_session(rec_path, threads=options.threads)
    )
    embedder = ArcFaceEmbedder(arcface, flip=options.flip)
    identity = ModelIdentity(
        pack=name,
        files=(
            ModelFile(det_path.name, sha256_file(det_path)),
            ModelFile(rec_path.name, sha256_file(rec_path)),
        ),
        dim=embedder.dim,
        variant="flip" if options.flip else "",
    )
    detector = ScrfdDetector(
        scrfd, max_side=options.max_side, score_threshold=options.score_threshold
    )
    return FacePipeline(detector=detector, embedder=embedder, identity=identity)
