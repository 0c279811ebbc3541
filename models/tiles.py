"""Every face of a large photo: detection in overlapping full-resolution tiles, merged."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from models.types import DetectedFace

logger = logging.getLogger(__name__)

# Measured on 4032x3024 class scenes (bench/group_photos.py, docs/benchmarks.md): every
# layout from 640 to 1920 px found all 90 faces; 960 px took the least CPU (0.88 s a photo
# against 0.99-1.17): YuNet's time per pixel falls up to 960 px, and larger tiles repeat
# less of the overlap (20 tiles for a 12 MP photo against 48 at 640).
TILE_SIZE = 960
# At least the largest face a tile must hold whole: the whole-image pass at 640 px finds
# the faces from about 100 px of a 4032 px photo, so 192 px leaves a margin.
TILE_OVERLAP = 192
# Larger photos are reduced to this many pixels first: time and memory stay bounded
# (the upload limits refuse 40 MP and more before this is reached).
MAX_TILED_PIXELS = 48_000_000
# A box this close to a tile edge that is not the photo's edge may be a face cut in two.
EDGE_MARGIN = 2.0
# A cut face that lies this much inside a face kept already is that face.
CUT_INSIDE = 0.5

Look = Callable[[NDArray[np.uint8]], list[DetectedFace]]

WHOLE, TILE, CUT = 1, 0, 2  # merge order: whole tile faces, whole-image pass, cut faces


@dataclass(frozen=True)
class TileLayout:
    size: int = TILE_SIZE
    overlap: int = TILE_OVERLAP
    # Tiles start on the detector's coarsest grid (YuNet's stride 32): each tile then sees
    # the photo exactly as one full-resolution pass would, and a face that two tiles hold
    # gets the same box and landmarks from both.
    align: int = 32

    def __post_init__(self) -> None:
        if not 0 <= self.overlap <= self.size - self.align:
            raise ValueError(
                f"tile overlap {self.overlap} must leave at least {self.align} px of a "
                f"{self.size} px tile"
            )


@dataclass(frozen=True)
class Tile:
    x0: int
    y0: int
    x1: int
    y1: int


def tile_starts(length: int, size: int, overlap: int, align: int = 1) -> list[int]:
    """Where tiles start along one side: every `size - overlap` pixels rounded down to a
    multiple of `align`, until a tile reaches the end (the last one may be shorter)."""
    step = max(align, (size - overlap) // align * align)
    starts = [0]
    while starts[-1] + size < length:
        starts.append(starts[-1] + step)
    return starts


def tiles_of(width: int, height: int, layout: TileLayout) -> list[Tile]:
    xs = tile_starts(width, layout.size, layout.overlap, layout.align)
    ys = tile_starts(height, layout.size, layout.overlap, layout.align)
    return [
        Tile(x, y, min(width, x + layout.size), min(height, y + layout.size))
        for y in ys
        for x in xs
    ]


def shifted(face: DetectedFace, dx: float, dy: float) -> DetectedFace:
    x, y, w, h = face.box
    offset = np.array([dx, dy], dtype=np.float32)
    return DetectedFace(
        box=(x + dx, y + dy, w, h),
        score=face.score,
        landmarks=(face.landmarks + offset).astype(np.float32),
    )


def is_cut(box: tuple[float, float, float, float], tile: Tile, width: int, height: int) -> bool:
    """Whether the box reaches an edge of the tile that lies inside the photo."""
    x, y, w, h = box
    return (
        (tile.x0 > 0 and x < tile.x0 + EDGE_MARGIN)
        or (tile.y0 > 0 and y < tile.y0 + EDGE_MARGIN)
        or (tile.x1 < width and x + w > tile.x1 - EDGE_MARGIN)
        or (tile.y1 < height and y + h > tile.y1 - EDGE_MARGIN)
    )


def merge(candidates: list[tuple[DetectedFace, int]], iou: float) -> list[DetectedFace]:
    """One face per person: whole faces found in a tile first, then the whole-image pass,
    then faces cut by a tile edge; each by score. A candidate goes when it overlaps a kept
    face by more than `iou`, or, cut, lies mostly inside one."""
    order = sorted(
        range(len(candidates)), key=lambda i: (candidates[i][1], -candidates[i][0].score)
    )
    kept: list[DetectedFace] = []
    boxes = np.zeros((0, 4), dtype=np.float64)
    for i in order:
        face, kind = candidates[i]
        x, y, w, h = face.box
        if len(kept):
            ix = np.clip(
                np.minimum(x + w, boxes[:, 0] + boxes[:, 2]) - np.maximum(x, boxes[:, 0]), 0, None
            )
            iy = np.clip(
                np.minimum(y + h, boxes[:, 1] + boxes[:, 3]) - np.maximum(y, boxes[:, 1]), 0, None
            )
            inter = ix * iy
            union = w * h + boxes[:, 2] * boxes[:, 3] - inter
            if (inter / (union + 1e-9) > iou).any():
                continue
            if kind == CUT and (inter / (w * h + 1e-9) > CUT_INSIDE).any():
                continue
        kept.append(face)
        boxes = np.vstack([boxes, [x, y, w, h]])
    return kept


def detect_tiled(
    image_bgr: NDArray[np.uint8],
    *,
    look: Look,
    whole: Look,
    layout: TileLayout,
    iou: float,
) -> list[DetectedFace]:
    """Faces of a large photo: `look` at every tile at full resolution (`look` must not
    reduce an image of `layout.size`), `whole` once at the normal size for faces too big
    for a tile, merged in the photo's coordinates."""
    height, width = image_bgr.shape[:2]
    factor = min(1.0, math.sqrt(MAX_TILED_PIXELS / (width * height)))
    if factor < 1.0:
        reduced = cv2.resize(
            image_bgr, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_AREA
        )
        faces = detect_tiled(
            np.asarray(reduced, dtype=np.uint8), look=look, whole=whole, layout=layout, iou=iou
        )
        return [_scaled(face, 1 / factor) for face in faces]
    candidates: list[tuple[DetectedFace, int]] = []
    tiles = tiles_of(width, height, layout)
    for tile in tiles:
        crop = np.ascontiguousarray(image_bgr[tile.y0 : tile.y1, tile.x0 : tile.x1])
        for face in look(crop):
            placed = shifted(face, tile.x0, tile.y0)
            candidates.append((placed, CUT if is_cut(placed.box, tile, width, height) else TILE))
    candidates.extend((face, WHOLE) for face in whole(image_bgr))
    faces = merge(candidates, iou)
    logger.debug(
        "%dx%d photo: %d tiles, %d candidates, %d faces",
        width,
        height,
        len(tiles),
        len(candidates),
        len(faces),
    )
    return faces


def _scaled(face: DetectedFace, factor: float) -> DetectedFace:
    x, y, w, h = face.box
    return DetectedFace(
        box=(x * factor, y * factor, w * factor, h * factor),
        score=face.score,
        landmarks=(face.landmarks * factor).astype(np.float32),
    )
