"""A class photo built from real faces: LFW people pasted in rows onto a noisy background."""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.packs import FacePipeline
from models.types import DetectedFace

SHARED_FACES = Path(__file__).resolve().parents[2].parent / "shared" / "faces"
LFW = SHARED_FACES / "lfw-dev"


@dataclass(frozen=True)
class LfwPerson:
    identity: str
    enroll: Path | None  # None for an impostor (a person LFW has one image of)
    photo: Path  # the image pasted into the scene (a probe: not the enrolled one)


@dataclass(frozen=True)
class Placed:
    identity: str
    centre: tuple[float, float]  # of the pasted face, in the scene's pixels
    width: float  # of the pasted face


def lfw_people(seed: int) -> tuple[list[LfwPerson], list[LfwPerson]]:
    """People with an enroll and a probe image, and impostors, each list in a seeded order."""
    images: dict[str, dict[str, list[Path]]] = defaultdict(lambda: defaultdict(list))
    with (SHARED_FACES / "lfw-dev.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            images[row["identity"]][row["role"]].append(LFW / row["path"])
    known = [
        LfwPerson(name, roles["enroll"][0], roles["probe"][0])
        for name, roles in sorted(images.items())
        if roles["enroll"] and roles["probe"]
    ]
    strangers = [
        LfwPerson(name, None, roles["impostor"][0])
        for name, roles in sorted(images.items())
        if roles["impostor"]
    ]
    order = random.Random(seed)
    order.shuffle(known)
    order.shuffle(strangers)
    return known, strangers


def bgr(path: Path) -> NDArray[np.uint8]:
    with Image.open(path) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB"))[..., ::-1])


def central_face(pipeline: FacePipeline, image: NDArray[np.uint8]) -> DetectedFace | None:
    """LFW's subject: the face nearest the centre among the large ones."""
    faces = pipeline.detect(image)
    if not faces:
        return None
    height, width = image.shape[:2]
    largest = max(f.area for f in faces)

    def off_centre(f: DetectedFace) -> float:
        x, y, w, h = f.box
        return float(np.hypot(x + w / 2 - width / 2, y + h / 2 - height / 2))

    return min((f for f in faces if f.area >= largest / 2), key=off_centre)


def embedding(
    pipeline: FacePipeline, path: Path, *, alone: bool = False
) -> NDArray[np.float32] | None:
    """The central face's embedding; with `alone`, None unless it is the photo's only face
    (a news photo's background face would be one more face in the class)."""
    image = bgr(path)
    if alone and len(pipeline.detect(image)) != 1:
        return None
    face = central_face(pipeline, image)
    return None if face is None else pipeline.embed(image, [face])[0]


def build_scene(
    pipeline: FacePipeline,
    people: list[LfwPerson],
    *,
    size: tuple[int, int],
    face_px: tuple[int, int],
    seed: int,
) -> tuple[bytes, list[Placed]]:
    """A JPEG scene of `size` with each person's face (from `photo`) pasted in rows, the face
    `face_px` wide (a seeded draw), on grey noise; where each face went."""
    rng = np.random.default_rng(seed)
    width, height = size
    scene = np.clip(rng.normal(150, 25, (height, width, 3)), 0, 255).astype(np.uint8)
    columns = int(np.ceil(np.sqrt(len(people) * width / height)))
    rows = int(np.ceil(len(people) / columns))
    cell_w, cell_h = width // columns, height // rows
    placed = []
    for index, person in enumerate(people):
        image = bgr(person.photo)
        face = central_face(pipeline, image)
        assert face is not None, person.photo
        x, y, w, h = face.box
        side = 1.6 * max(w, h)  # the head and some hair around the face
        cx, cy = x + w / 2, y + h / 2
        crop = Image.fromarray(image[..., ::-1]).crop(
            (round(cx - side / 2), round(cy - side / 2), round(cx + side / 2), round(cy + side / 2))
        )
        target = float(rng.uniform(*face_px))
        scale = target / w
        pasted = crop.resize((round(side * scale), round(side * scale)), Image.Resampling.LANCZOS)
        row, column = divmod(index, columns)
        left = column * cell_w + (cell_w - pasted.width) // 2
        top = row * cell_h + (cell_h - pasted.height) // 2
        scene[top : top + pasted.height, left : left + pasted.width] = np.asarray(pasted)[..., ::-1]
        centre = (left + pasted.width / 2, top + pasted.height / 2)
        placed.append(Placed(person.identity, centre, target))
    out = io.BytesIO()
    Image.fromarray(scene[..., ::-1]).save(out, "JPEG", quality=92)
    return out.getvalue(), placed


def placed_at(box: list[float], placed: list[Placed]) -> Placed:
    """The pasted face whose centre the box holds (within half its width)."""
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    best = min(placed, key=lambda p: np.hypot(p.centre[0] - cx, p.centre[1] - cy))
    distance = float(np.hypot(best.centre[0] - cx, best.centre[1] - cy))
    assert distance < best.width / 2, f"no pasted face near {box}"
    return best
