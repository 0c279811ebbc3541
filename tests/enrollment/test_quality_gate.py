"""The enrollment gate on hand-made detections and quality figures."""

from __future__ import annotations

import numpy as np

from enrollment.quality_gate import GateLimits, Reason, choose_face, judge_quality
from models.quality import FaceQuality, estimate_yaw
from models.types import DetectedFace

LIMITS = GateLimits(min_face_px=60, min_sharpness=40, min_brightness=40, max_yaw=3.0, dominance=2.0)
GOOD = FaceQuality(det_score=0.9, face_px=150, sharpness=300, brightness=140, yaw=0.2)


def face(x: float, y: float, size: float) -> DetectedFace:
    return DetectedFace(box=(x, y, size, size), score=0.9, landmarks=np.zeros((5, 2), np.float32))


def test_no_face_is_refused() -> None:
    assert choose_face([], LIMITS).reason is Reason.NO_FACE


def test_two_faces_of_similar_size_are_refused() -> None:
    verdict = choose_face([face(0, 0, 100), face(200, 0, 90)], LIMITS)
    assert verdict.reason is Reason.MULTIPLE_FACES


def test_small_background_face_is_ignored_and_the_big_one_chosen() -> None:
    big = face(100, 100, 300)
    verdict = choose_face([face(0, 0, 60), big], LIMITS)
    assert verdict.accepted and verdict.face is big


def test_each_quality_limit_gives_its_own_reason() -> None:
    assert judge_quality(GOOD, LIMITS).accepted
    cases = {
        Reason.FACE_TOO_SMALL: {"face_px": 40},
        Reason.TOO_DARK: {"brightness": 20},
        Reason.TOO_BLURRY: {"sharpness": 5},
        Reason.EXTREME_POSE: {"yaw": 3.5},
    }
    for reason, change in cases.items():
        figures = FaceQuality(**{**GOOD.__dict__, **change})
        verdict = judge_quality(figures, LIMITS)
        assert verdict.reason is reason
        assert verdict.detail  # a message a person can act on


def test_yaw_is_zero_for_a_frontal_face_and_grows_as_the_nose_moves_to_one_eye() -> None:
    eyes = [[40, 50], [80, 50]]
    mouth = [[45, 90], [75, 90]]
    frontal = np.array([*eyes, [60, 70], *mouth], np.float32)
    turned = np.array([*eyes, [80, 70], *mouth], np.float32)
    profile = np.array([*eyes, [110, 70], *mouth], np.float32)
    assert estimate_yaw(frontal) < 0.05
    assert 0.9 < estimate_yaw(turned) < 1.1
    assert estimate_yaw(profile) > LIMITS.max_yaw - 1
