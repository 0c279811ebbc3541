"""Face alignment to the standard 5-point ArcFace template."""

from __future__ import annotations

import warnings

import numpy as np
from insightface.utils import face_align
from numpy.typing import NDArray

from models.types import DetectedFace

CROP_SIZE = 112

# insightface calls scikit-image's deprecated SimilarityTransform.estimate; the result is
# the same, and the warning would repeat for every face.
warnings.filterwarnings("ignore", message=".*estimate.*deprecated", category=FutureWarning)


def aligned_crop(image_bgr: NDArray[np.uint8], face: DetectedFace) -> NDArray[np.uint8]:
    """A 112x112 BGR crop, eyes, nose and mouth on the ArcFace template points."""
    crop = face_align.norm_crop(image_bgr, landmark=face.landmarks.astype(np.float32))
    return np.asarray(crop, dtype=np.uint8)
