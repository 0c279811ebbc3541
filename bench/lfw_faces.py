"""lfw-dev's rows and one embedding per photo, the subject chosen as enrollment chooses it."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from attendance.settings import Settings
from models.images import decode_upright
from models.packs import FacePipeline, PackOptions, load_pack
from models.types import DetectedFace
from usecases.decoding import decode_limits

FACES = Path("../shared/faces")


@dataclass(frozen=True)
class Row:
    path: Path
    identity: str
    role: str  # enroll, probe or impostor


def read_rows(faces_dir: Path = FACES) -> list[Row]:
    """Every row of lfw-dev.csv, each person's photos in file order (enroll first)."""
    rows = csv.DictReader((faces_dir / "lfw-dev.csv").open(encoding="utf-8"))
    root = faces_dir / "lfw-dev"
    return [Row(root / r["path"], r["identity"], r["role"]) for r in rows]


def default_pipeline(cache_dir: Path = Path("data/model-cache")) -> FacePipeline:
    """The server's default pack and options (ATTEND_MODELS__* as configured)."""
    m = Settings().models
    options = PackOptions(
        models_dir=m.dir,
        cache_dir=cache_dir,
        max_side=m.max_side,
        score_threshold=m.det_score,
        flip=m.flip,
        threads=m.threads,
        refine_size=m.refine_size,
    )
    return load_pack(m.pack, options)


def main_face(faces: list[DetectedFace], width: int, height: int) -> DetectedFace | None:
    """Largest, most central face: box area x (1 - centre distance / half diagonal), the
    probes' face for bench/accuracy.py and bench/real_enrollment.py (kept in bench/, not
    imported from enrollment/, so `--old-code` runs can use it too)."""
    if not faces:
        return None
    half_diagonal = 0.5 * float(np.hypot(width, height))

    def weight(face: DetectedFace) -> float:
        x, y, w, h = face.box
        off = np.hypot(x + w / 2 - width / 2, y + h / 2 - height / 2) / half_diagonal
        return face.area * max(0.0, 1.0 - float(off))

    return max(faces, key=weight)


def subject_embedding(pipeline: FacePipeline, data: bytes) -> NDArray[np.float32] | None:
    """The embedding of the photo's largest, most central face, or None."""
    image = decode_upright(data, decode_limits(Settings())).pixels
    height, width = image.shape[:2]
    face = main_face(pipeline.detect(image), width, height)
    return None if face is None else pipeline.embed(image, [face])[0]


def embed_rows(pipeline: FacePipeline, rows: list[Row]) -> NDArray[np.float32]:
    """One row per photo; a photo without a face gets zeros (it matches nobody)."""
    out = np.zeros((len(rows), pipeline.embedder.dim), np.float32)
    for i, row in enumerate(rows):
        embedding = subject_embedding(pipeline, row.path.read_bytes())
        if embedding is not None:
            out[i] = embedding
    return out
