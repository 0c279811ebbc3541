"""How close SFace embeds the face found again on a template's 160-pixel crop to the stored
template made from the photo: the level `templates add-second` requires
(enrollment/second_templates.CROP_SAME_FACE). Run:
`PYTHONPATH=$PWD python bench/crop_sface_cosine.py` (docs/benchmarks.md)."""

from __future__ import annotations

import glob
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from attendance.settings import ModelSettings, Settings
from enrollment.quality_gate import rank_faces
from models.crops import face_crop_jpeg
from models.images import decode_image
from models.packs import FacePipeline
from models.types import DetectedFace
from usecases.pipeline import load_pipeline

LFW_DEV = "../shared/faces/lfw-dev/*/*.jpg"


def crop_cosine(pipeline: FacePipeline, image: NDArray[np.uint8], face: DetectedFace) -> float:
    stored = pipeline.embed(image, [face])[0]
    crop = decode_image(face_crop_jpeg(image, face.box))
    ranked = rank_faces(pipeline.detect(crop), crop.shape[1], crop.shape[0])
    if not ranked:
        return float("nan")
    seen = pipeline.embed(crop, [ranked[0].face])[0]
    return float(seen @ stored) / float(np.linalg.norm(seen) * np.linalg.norm(stored))


def main() -> None:
    models = ModelSettings(max_side=1280, second_opinion="off")
    pipeline = load_pipeline(Settings(db_url="sqlite://", models=models))
    scores = []
    for path in sorted(glob.glob(LFW_DEV))[:300:2]:
        image = decode_image(Path(path).read_bytes())
        ranked = rank_faces(pipeline.detect(image), image.shape[1], image.shape[0])
        if ranked:
            scores.append(crop_cosine(pipeline, image, ranked[0].face))
    found = np.array([s for s in scores if s == s])
    print(
        f"lfw-dev: {len(found)} of {len(scores)} crops re-found; min {found.min():.3f}, "
        f"p1 {np.percentile(found, 1):.3f}, p5 {np.percentile(found, 5):.3f}, "
        f"median {np.median(found):.3f}; under 0.98: {(found < 0.98).sum()}, "
        f"under 0.9: {(found < 0.9).sum()}"
    )
    import insightface

    t1 = Path(insightface.__file__).parent / "data/images/t1.jpg"
    image = decode_image(t1.read_bytes())
    faces = sorted(pipeline.detect(image), key=lambda f: f.box[0])
    print("t1.jpg:", ", ".join(f"{crop_cosine(pipeline, image, f):.3f}" for f in faces))


if __name__ == "__main__":
    main()
