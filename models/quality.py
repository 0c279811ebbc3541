"""Measured quality of a detected face: size, sharpness, brightness, head turn."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from models.align import aligned_crop
from models.types import DetectedFace


@dataclass(frozen=True)
class FaceQuality:
    det_score: float
    face_px: float  # short side of the detection box, in pixels of the original image
    sharpness: float  # variance of the Laplacian on the aligned crop at the face's own scale
    brightness: float  # mean grey level of the aligned crop, 0..255
    yaw: float  # nose offset from the eyes' midline in half eye-distances: 0 frontal, >2 profile


def measure_quality(image_bgr: NDArray[np.uint8], face: DetectedFace) -> FaceQuality:
    crop = aligned_crop(image_bgr, face)
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    # A face smaller than the 112 px crop is upsampled, which smooths it: measure sharpness
    # at the face's own size so small faces are not all called blurry, nor big ones sharp.
    native = int(np.clip(face.short_side, 24, 112))
    if native < grey.shape[0]:
        grey_native = cv2.resize(grey, (native, native), interpolation=cv2.INTER_AREA)
    else:
        grey_native = grey
    centre = grey_native[native // 8 : native - native // 8, native // 8 : native - native // 8]
    sharpness = float(cv2.Laplacian(centre, cv2.CV_64F).var())
    brightness = float(grey[16:96, 16:96].mean())
    return FaceQuality(
        det_score=face.score,
        face_px=face.short_side,
        sharpness=sharpness,
        brightness=brightness,
        yaw=estimate_yaw(face.landmarks),
    )


def estimate_yaw(landmarks: NDArray[np.float32]) -> float:
    """How far the nose sits from the eyes' midline, in half eye-distances (capped at 5).

    A three-quarter view sits around 1.5 (the nose past one eye); a profile goes past 2."""
    right_eye, left_eye, nose = landmarks[0], landmarks[1], landmarks[2]
    eye_vector = left_eye - right_eye
    eye_distance = float(np.linalg.norm(eye_vector))
    if eye_distance < 1e-6:
        return 5.0
    midpoint = (left_eye + right_eye) / 2
    offset = float(np.dot(nose - midpoint, eye_vector) / eye_distance)
    return min(5.0, abs(offset) / (eye_distance / 2))
