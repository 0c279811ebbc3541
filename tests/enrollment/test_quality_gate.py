"""The enrollment gate on hand-made detections and quality figures."""

from __future__ import annotations

import numpy as np

from enrollment.quality_gate import (
    GateLimits,
    GateVerdict,
    Reason,
    choose_face,
    judge_human,
    judge_quality,
    rank_faces,
)
from models.quality import FaceQuality, estimate_yaw
from models.types import DetectedFace

LIMITS = GateLimits(
    min_face_px=60,
    min_sharpness=40,
    min_brightness=40,
    max_yaw=3.0,
    dominance=2.0,
    min_confidence=0.885,
)
GOOD = FaceQuality(det_score=0.9, face_px=150, sharpness=300, brightness=140, yaw=0.2)
WIDTH, HEIGHT = 800, 600


def face(x: float, y: float, size: float) -> DetectedFace:
    return DetectedFace(box=(x, y, size, size), score=0.9, landmarks=np.zeros((5, 2), np.float32))


def gate(*faces: DetectedFace, face_index: int | None = None) -> GateVerdict:
    return choose_face(rank_faces(list(faces), WIDTH, HEIGHT), LIMITS, face_index=face_index)


def test_no_face_is_refused() -> None:
    assert gate().reason is Reason.NO_FACE


def test_two_faces_side_by_side_are_ambiguous_and_both_are_listed() -> None:
    left, right = face(250, 200, 140), face(410, 200, 130)
    verdict = gate(left, right)
    assert verdict.reason is Reason.MULTIPLE_FACES
    assert [f.box for f in verdict.faces] == [left.box, right.box]  # the more central first
    assert "face_index" in verdict.detail and "2 faces" in verdict.detail


def test_small_background_face_is_ignored_and_the_big_one_chosen() -> None:
    big = face(250, 150, 300)
    verdict = gate(face(0, 0, 60), big)
    assert verdict.accepted and verdict.face is big and verdict.index == 0


def test_a_face_as_large_but_far_off_centre_is_a_bystander() -> None:
    # Same size: by area alone this photo was refused (the old gate's 9% on LFW).
    subject = face(330, 230, 140)
    corner = face(640, 0, 140)
    verdict = gate(corner, subject)
    assert verdict.accepted and verdict.face is subject


def test_a_face_cut_by_the_edge_never_makes_the_photo_ambiguous() -> None:
    subject = face(300, 200, 150)
    cut = face(WIDTH - 60, 200, 200)  # larger, but two thirds of it outside the photo
    verdict = gate(cut, subject)
    assert verdict.accepted and verdict.face is subject
    assert verdict.faces[-1] is cut  # listed last: still selectable by face_index


def test_a_face_cut_by_the_edge_is_chosen_when_it_is_the_only_face() -> None:
    only = face(-30, 200, 200)
    assert gate(only).face is only


def test_face_index_enrolls_the_chosen_face_of_an_ambiguous_photo() -> None:
    left, right = face(250, 200, 140), face(410, 200, 130)
    listed = gate(left, right).faces
    for index, listed_face in enumerate(listed):
        verdict = gate(left, right, face_index=index)
        assert verdict.accepted and verdict.face is listed_face and verdict.index == index


def test_face_index_past_the_faces_is_refused_with_the_faces_listed() -> None:
    verdict = gate(face(250, 200, 140), face(410, 200, 130), face_index=2)
    assert verdict.reason is Reason.INVALID_FACE_INDEX
    assert len(verdict.faces) == 2 and "0" in verdict.detail and "1" in verdict.detail


def test_a_face_the_detector_doubts_on_a_second_look_is_not_human() -> None:
    assert judge_human(0.93, LIMITS).accepted
    doubted = judge_human(0.88, LIMITS)
    assert doubted.reason is Reason.NOT_A_HUMAN_FACE
    assert "0.88" in doubted.detail and "0.89" in doubted.detail  # what it got, what it needs


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
