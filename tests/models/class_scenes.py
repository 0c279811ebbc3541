"""Synthetic class photos: real faces pasted small into a 4032x3024 phone-sized scene."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from models.types import DetectedFace

PHONE_SIZE = (4032, 3024)  # a 12 MP phone photo, landscape
# LFW's 250x250 crops hold the face they were cut for in the middle, about 110 px wide;
# the middle 130 px keeps the face and leaves out the people behind it at the sides.
LFW_PATCH = (60, 190)
LFW_FACE = 110


@dataclass(frozen=True)
class PastedFace:
    identity: str
    centre: tuple[float, float]
    size: float  # the face's width in the scene, pixels


@dataclass(frozen=True)
class Scene:
    image: NDArray[np.uint8]
    faces: list[PastedFace]


def lfw_people(shared_faces: Path, count: int, seed: int = 12) -> list[tuple[str, Path]]:
    """`count` different people's enroll photos from lfw-dev, chosen by `seed`."""
    with (shared_faces / "lfw-dev.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["role"] == "enroll"]
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(rows), size=count, replace=False)
    return [(rows[i]["identity"], shared_faces / "lfw-dev" / rows[i]["path"]) for i in chosen]


def background(size: tuple[int, int] = PHONE_SIZE, seed: int = 0) -> NDArray[np.uint8]:
    """A classroom-coloured wall: a soft gradient with sensor-like noise, no faces."""
    width, height = size
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0.85, 1.1, height, dtype=np.float32)[:, None, None]
    base = np.array([170, 190, 205], dtype=np.float32)[None, None, :] * ramp
    image = np.broadcast_to(base, (height, width, 3)).copy()
    image += rng.normal(0, 6, size=(height, width, 1)).astype(np.float32)
    return np.clip(image, 0, 255).astype(np.uint8)


def paste_face(
    canvas: NDArray[np.uint8], photo: NDArray[np.uint8], centre: tuple[float, float], size: float
) -> None:
    """The middle of an LFW crop scaled so its face is `size` px wide, centred at `centre`,
    blended in through a soft oval: no square edges, no people from behind the face."""
    lo, hi = LFW_PATCH
    scale = size / LFW_FACE
    side = max(1, round((hi - lo) * scale))
    patch = cv2.resize(photo[lo:hi, lo:hi], (side, side), interpolation=cv2.INTER_AREA)
    mask = np.zeros((side, side), dtype=np.float32)
    half = side / 2
    axes = (max(1, round(half * 0.85)), max(1, round(half * 0.98)))
    cv2.ellipse(mask, (round(half), round(half)), axes, 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), max(0.5, side / 40))[..., None]
    x0, y0 = round(centre[0] - half), round(centre[1] - half)
    region = canvas[y0 : y0 + side, x0 : x0 + side].astype(np.float32)
    blended = region * (1 - mask) + patch.astype(np.float32) * mask
    canvas[y0 : y0 + side, x0 : x0 + side] = np.clip(blended, 0, 255).astype(np.uint8)


def class_scene(
    shared_faces: Path,
    *,
    count: int = 30,
    sizes: tuple[int, int] = (40, 90),
    seed: int = 12,
    size: tuple[int, int] = PHONE_SIZE,
) -> Scene:
    """`count` people in rows like pupils at their desks, faces `sizes` px wide."""
    width, height = size
    rng = np.random.default_rng(seed)
    canvas = background(size, seed)
    columns = int(np.ceil(np.sqrt(count * width / height)))
    rows = int(np.ceil(count / columns))
    cell_w, cell_h = width / columns, height / rows
    faces = []
    for index, (identity, path) in enumerate(lfw_people(shared_faces, count, seed)):
        photo = cv2.imread(str(path), cv2.IMREAD_COLOR)
        assert photo is not None, f"cannot read {path}"
        face = float(rng.uniform(*sizes))
        row, column = divmod(index, columns)
        slack_x, slack_y = cell_w / 2 - face, cell_h / 2 - face
        centre = (
            (column + 0.5) * cell_w + float(rng.uniform(-slack_x, slack_x)),
            (row + 0.5) * cell_h + float(rng.uniform(-slack_y, slack_y)),
        )
        paste_face(canvas, np.asarray(photo, np.uint8), centre, face)
        faces.append(PastedFace(identity, centre, face))
    return Scene(canvas, faces)


def matched(
    found: list[DetectedFace], centres: list[tuple[float, float]], sizes: list[float]
) -> tuple[int, int]:
    """(references found, found faces matching no reference): a found face matches a
    reference when its box centre lies within half the reference face's width of it."""
    used: set[int] = set()
    hits = 0
    points = np.array(
        [[f.box[0] + f.box[2] / 2, f.box[1] + f.box[3] / 2] for f in found], dtype=np.float64
    ).reshape(-1, 2)
    for centre, size in zip(centres, sizes):
        if not len(points):
            break
        distances = np.hypot(points[:, 0] - centre[0], points[:, 1] - centre[1])
        distances[list(used)] = np.inf
        best = int(distances.argmin())
        if distances[best] <= size / 2:
            used.add(best)
            hits += 1
    return hits, len(found) - len(used)
