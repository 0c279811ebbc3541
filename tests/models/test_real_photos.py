"""The SFace pack on real photos from ../shared/faces: people and group photos."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from models.packs import FacePipeline
from models.yunet import YuNetDetector

# The app's default detector size, also what keeps this module near 10 s on two cores.
APP_MAX_SIDE = 640
GROUP_FILE = re.compile(r"(?P<number>\d{3})_(?P<faces>\d+)\.jpg")


def read_bgr(path: Path) -> NDArray[np.uint8]:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert image is not None, f"cannot read {path}"
    return np.asarray(image, np.uint8)


@pytest.fixture(scope="module")
def people_embeddings(
    shared_faces: Path,
    pipeline: FacePipeline,
    detector_at: Callable[[int], YuNetDetector],
) -> dict[str, NDArray[np.float32]]:
    """Per person, one embedding per photo, of the largest face in it."""
    detector = detector_at(APP_MAX_SIDE)
    people: dict[str, NDArray[np.float32]] = {}
    for folder in sorted(p for p in (shared_faces / "people").iterdir() if p.is_dir()):
        rows = []
        for path in sorted(folder.glob("*.jpg")):
            image = read_bgr(path)
            faces = detector.detect(image)
            assert faces, f"no face found in {path}"
            rows.append(pipeline.embed(image, [max(faces, key=lambda f: f.area)])[0])
        people[folder.name] = np.array(rows, dtype=np.float32)
    assert sum(len(rows) >= 2 for rows in people.values()) >= 10
    return people


def test_photos_of_the_same_person_mostly_match(
    people_embeddings: dict[str, NDArray[np.float32]], threshold: float
) -> None:
    cosines = np.array(
        [
            float(a @ b)
            for rows in people_embeddings.values()
            for a, b in itertools.combinations(rows, 2)
        ]
    )
    # Measured with threshold 0.40: 158 pairs of 18 people, all above (lowest 0.50). The
    # bound leaves room for a provisional threshold to move a little.
    assert len(cosines) >= 100
    assert (cosines >= threshold).mean() >= 0.95, np.sort(cosines)[:10]


def test_photos_of_different_people_almost_never_match(
    people_embeddings: dict[str, NDArray[np.float32]], threshold: float
) -> None:
    cosines = np.concatenate(
        [
            (a @ b.T).ravel()
            for (_, a), (_, b) in itertools.combinations(people_embeddings.items(), 2)
        ]
    )
    # Measured with threshold 0.40: 2,768 pairs, 3 above (0.41, 0.44 and 0.45, all one photo
    # of Leonardo DiCaprio against three of Matt Damon), i.e. 99.9% below.
    assert len(cosines) >= 1000
    assert (cosines < threshold).mean() >= 0.995, np.sort(cosines)[-10:]


def group_files(shared: Path) -> list[tuple[Path, int]]:
    files = []
    for path in sorted((shared / "groups").glob("*.jpg")):
        named = GROUP_FILE.fullmatch(path.name)
        if named:
            files.append((path, int(named["faces"])))
    return files


# Detections that are not faces, measured at full resolution (max_side 1280; these photos
# are 800 px wide, so nothing is resized) and confirmed with OpenCV's own FaceDetectorYN on
# the same file: the hair bun of the seated woman in 016_8.jpg scores 0.69, while every real
# face in the NNN_K photos scores 0.83 or more. At 640 every count is exact.
KNOWN_EXTRA_DETECTIONS = {("016_8.jpg", 1280): 1}
EXTRA_SCORE_BELOW = 0.75


@pytest.mark.parametrize("max_side", [APP_MAX_SIDE, 1280])
def test_group_photo_holds_the_number_of_faces_in_its_name(
    max_side: int, shared_faces: Path, detector_at: Callable[[int], YuNetDetector]
) -> None:
    detector = detector_at(max_side)
    files = [*group_files(shared_faces), (shared_faces / "groups" / "group-3.jpg", 4)]
    assert len(files) >= 10
    wrong = {}
    for path, expected in files:
        faces = detector.detect(read_bgr(path))
        extra = KNOWN_EXTRA_DETECTIONS.get((path.name, max_side), 0)
        confident = [f for f in faces if f.score >= EXTRA_SCORE_BELOW]
        if len(faces) != expected + extra or len(confident) != expected:
            wrong[path.name] = sorted(round(f.score, 2) for f in faces)
    assert not wrong, f"expected counts differ: {wrong}"


def test_photo_without_people_gives_no_face(
    shared_faces: Path, detector_at: Callable[[int], YuNetDetector]
) -> None:
    assert detector_at(1280).detect(read_bgr(shared_faces / "groups" / "017_0.jpg")) == []


def test_dog_faces_found_by_yunet_match_no_person(
    shared_faces: Path,
    pipeline: FacePipeline,
    detector_at: Callable[[int], YuNetDetector],
    people_embeddings: dict[str, NDArray[np.float32]],
    threshold: float,
) -> None:
    # YuNet takes the orange dog's face for a face (score 0.86 at 640; 0.78 and 0.65 for two
    # dogs at full size), and OpenCV's FaceDetectorYN does the same, so this is the model,
    # not our decoding. What matters is that such a face is recognised as nobody: measured
    # cosine to any of the people photos at most 0.24.
    image = read_bgr(shared_faces / "groups" / "dogs.jpg")
    faces = detector_at(APP_MAX_SIDE).detect(image)
    assert len(faces) <= 1
    gallery = np.concatenate(list(people_embeddings.values()))
    if faces:
        assert float((pipeline.embed(image, faces) @ gallery.T).max()) < threshold


@pytest.mark.xfail(
    strict=True,
    reason="YuNet scores a dog's face 0.86 (OpenCV's FaceDetectorYN agrees): a known false "
    "positive of the model; test_dog_faces_found_by_yunet_match_no_person covers the harm",
)
def test_dogs_photo_gives_no_face(
    shared_faces: Path, detector_at: Callable[[int], YuNetDetector]
) -> None:
    assert detector_at(APP_MAX_SIDE).detect(read_bgr(shared_faces / "groups" / "dogs.jpg")) == []
