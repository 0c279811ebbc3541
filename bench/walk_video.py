"""A kiosk test video of real photos: people walk in one or two at a time, stand, walk out.

The walking, pasting and head cut follow tests/e2e/test_kiosk_real_photos.py, with the
standing time as a parameter; identities come from `../shared/faces` (people/ and LFW).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

FACES_DIR = Path(__file__).resolve().parents[2] / "shared" / "faces"
WIDTH, HEIGHT = 640, 480
FPS = 25.0
BACKGROUND = 90
MAX_SIDE = 800  # as the e2e test: photos are scaled down to this before anything sees them
# The same photos filed under two names in LFW (faces/README.md): never use them.
LFW_MISLABELLED = frozenset({"Carlos_Beltran", "Raul_Ibanez", "Bart_Hendricks", "Ricky_Ray"})
Image = NDArray[np.uint8]
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Identity:
    name: str
    enroll_photo: Path  # photo A: enrolled, when the person is enrolled at all
    shown_photo: Path  # photo B: a different photo of the same person, in the video
    spare_photos: tuple[Path, ...] = ()  # enrolled instead of A when the gate refuses A


def pick_identities(faces_dir: Path, lfw_count: int, seed: int) -> list[Identity]:
    """Every people/ folder with two photos or more, then `lfw_count` LFW people drawn with
    `seed` from those with two photos or more; sorted by name."""
    chosen = []
    for folder in sorted(p for p in (faces_dir / "people").iterdir() if p.is_dir()):
        photos = sorted(folder.glob("*.jpg"))
        if len(photos) >= 2:
            chosen.append(Identity(folder.name, photos[0], photos[1], tuple(photos[2:])))
    by_name: dict[str, list[Path]] = {}
    with open(faces_dir / "lfw-dev.csv", newline="") as rows:
        for row in csv.DictReader(rows):
            if row["role"] != "impostor" and row["identity"] not in LFW_MISLABELLED:
                by_name.setdefault(row["identity"], []).append(faces_dir / "lfw-dev" / row["path"])
    names = sorted(name for name, paths in by_name.items() if len(paths) >= 2)
    for name in random.Random(seed).sample(names, lfw_count):
        first, second, *spare = sorted(by_name[name])  # LFW's first is its `enroll` image
        chosen.append(Identity(name, first, second, tuple(spare)))
    return sorted(chosen, key=lambda i: i.name)


def read_photo(path: Path) -> Image:
    image = cv2.imread(str(path))
    if image is None:
        raise FileNotFoundError(f"cannot read {path}")
    scale = MAX_SIDE / max(image.shape[:2])
    if scale < 1:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.asarray(image, dtype=np.uint8)


@dataclass(frozen=True)
class Head:
    """A head-and-shoulders cut of a photo on the plain background, and its face's width."""

    image: Image
    face_width: float


def cut_head(image: Image, box: Box) -> Head:
    x, y, w, h = box
    pad = round(2 * max(w, h))
    padded = cv2.copyMakeBorder(
        image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(BACKGROUND,) * 3
    )
    left, top = round(x - 0.6 * w) + pad, round(y - 0.6 * h) + pad
    right, bottom = round(x + 1.6 * w) + pad, round(y + 1.8 * h) + pad
    return Head(np.ascontiguousarray(padded[top:bottom, left:right]), w)


def paste(frame: Image, head: Head, face_width: float, center_x: float) -> None:
    """`head` scaled to a face `face_width` wide, centred on `center_x`, cut by the edges."""
    scale = face_width / head.face_width
    small = cv2.resize(head.image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    left, top = round(center_x - w / 2), round(HEIGHT * 0.45 - h * 0.35)
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(WIDTH, left + w), min(HEIGHT, top + h)
    if x1 > x0 and y1 > y0:
        frame[y0:y1, x0:x1] = small[y0 - top : y1 - top, x0 - left : x1 - left]


def walk(enter_from: float, stand_at: float, stand_frames: int) -> list[tuple[float, float]]:
    """(face width, centre x) for each frame: in from an edge small and growing, standing
    `stand_frames`, then out through the same edge."""
    steps: list[tuple[float, float]] = []
    for i in range(7):  # walking in: 60 px wide at the edge, 130 px where they stand
        t = i / 6
        steps.append((60 + 70 * t, enter_from + (stand_at - enter_from) * t))
    steps += [(130.0, stand_at)] * stand_frames
    for i in range(1, 6):  # walking out
        t = i / 5
        steps.append((130 - 50 * t, stand_at + (enter_from - stand_at) * t))
    return steps


def groups_of(names: Sequence[str], seed: int) -> list[list[str]]:
    """`names` in a shuffled order, alone and in pairs by turns (one, two, one, two, ...)."""
    order = list(names)
    random.Random(seed).shuffle(order)
    groups, size = [], 1
    while order:
        groups.append(order[:size])
        order = order[size:]
        size = 3 - size
    return groups


@dataclass(frozen=True)
class WalkVideo:
    frames: list[Image]
    in_view: list[tuple[str, ...]]  # who is pasted into each frame, even if only partly
    placed: list[tuple[tuple[float, float], ...]]  # their (face width, centre x), in order


def walk_video(
    heads: dict[str, Head], groups: list[list[str]], stand_s: float = 1.5, gap_frames: int = 4
) -> WalkVideo:
    """Each group walks in together (a pair from both sides), stands `stand_s` and leaves;
    the empty room before and between them."""
    stand_frames = round(stand_s * FPS)
    empty = np.full((HEIGHT, WIDTH, 3), BACKGROUND, dtype=np.uint8)
    frames = [empty.copy() for _ in range(3)]
    in_view: list[tuple[str, ...]] = [()] * 3
    placed: list[tuple[tuple[float, float], ...]] = [()] * 3
    for group in groups:
        paths = [walk(30, 200, stand_frames), walk(WIDTH - 30, WIDTH - 200, stand_frames)]
        if len(group) == 1:
            paths = [walk(30, WIDTH / 2, stand_frames)]
        for steps in zip(*paths[: len(group)]):
            frame = empty.copy()
            for name, (face_width, center_x) in zip(group, steps):
                paste(frame, heads[name], face_width, center_x)
            frames.append(frame)
            in_view.append(tuple(group))
            placed.append(steps)
        frames += [empty.copy() for _ in range(gap_frames)]
        in_view += [()] * gap_frames
        placed += [()] * gap_frames
    return WalkVideo(frames, in_view, placed)


def heads_for(
    identities: Sequence[Identity], largest_face: Callable[[Image], Box | None]
) -> dict[str, Head]:
    """Each shown photo cut around its largest face; people whose photo has none are left out."""
    heads = {}
    for identity in identities:
        photo = read_photo(identity.shown_photo)
        box = largest_face(photo)
        if box is not None:
            heads[identity.name] = cut_head(photo, box)
    return heads


@dataclass(frozen=True)
class CheckIn:
    frame: int
    shown: str  # who was in front of the camera
    as_name: str  # whom the loop checked in


@dataclass(frozen=True)
class Judged:
    """One face in one frame as a loop judged it: whom it was nearest, and whether accepted."""

    shown: str
    nearest: str
    score: float  # our cosine similarity, or face_recognition's distance
    accepted: bool


def shown_at(video: WalkVideo, frame: int, box: Box) -> str:
    """Who the face in `box` (x, y, w, h) is: the person pasted there, or "(background)" for
    another face (a bystander in an LFW crop), too small or off the pasted face's centre."""
    x, _, w, _ = box
    for name, (face_width, center_x) in zip(video.in_view[frame], video.placed[frame]):
        if abs(x + w / 2 - center_x) < face_width / 2 and w > face_width / 2:
            return name
    return "(background)" if video.in_view[frame] else "(nobody)"
