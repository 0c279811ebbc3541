"""YuNet face detector (OpenCV Zoo) decoded for ONNX Runtime at any input size."""

from __future__ import annotations

import cv2
import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from models.tiles import TileLayout, detect_tiled
from models.types import DetectedFace

STRIDES = (8, 16, 32)
# The second look that judges whether a face is human sees it at this size (the refinement
# size), and reports any score from this floor up.
CONFIRM_SIZE = 192
CONFIRM_FLOOR = 0.05


def _pad_to(value: int, multiple: int = 32) -> int:
    return max(multiple, int(np.ceil(value / multiple)) * multiple)


def nms(boxes: NDArray[np.float32], scores: NDArray[np.float32], iou: float) -> list[int]:
    """Greedy non-maximum suppression on [x, y, w, h] boxes; indices of the kept boxes."""
    order = np.argsort(-scores, kind="stable")
    x1, y1 = boxes[:, 0], boxes[:, 1]
    x2, y2 = x1 + boxes[:, 2], y1 + boxes[:, 3]
    areas = boxes[:, 2] * boxes[:, 3]
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        w = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0, None)
        h = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0, None)
        inter = w * h
        overlap = inter / (areas[i] + areas[rest] - inter + 1e-9)
        order = rest[overlap <= iou]
    return keep


class YuNetDetector:
    """Detects faces with 5 landmarks. Images are resized so the long side is at most
    `max_side`, then padded to a multiple of 32 (the largest stride).

    With `refine_size` > 0, each face smaller than that is detected a second time in a crop
    around it, enlarged so the face is `refine_size` pixels, and its landmarks become the
    mean of the two looks. Landmarks found on a 50-100 px face are a few pixels off, which
    moves the aligned crop and costs a lot of similarity; either look alone is sometimes
    off (t1.jpg's tilted face, lowest cosine to itself over mirror, half size, x0.6 and x1.4
    brightness: first look 0.44, second look 0.38, mean 0.57; see docs/benchmarks.md).
    """

    def __init__(
        self,
        session: ort.InferenceSession,
        *,
        max_side: int = 640,
        score_threshold: float = 0.6,
        nms_threshold: float = 0.3,
        top_k: int = 5000,
        refine_size: int = 0,
        tiles: TileLayout | None = None,
    ) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self._outputs = [o.name for o in session.get_outputs()]
        self.max_side = max_side
        self.score_threshold = score_threshold
        self.nms_threshold = nms_threshold
        self.top_k = top_k
        self.refine_size = refine_size
        self.tiles = tiles or TileLayout()
        self._priors: dict[tuple[int, int], list[NDArray[np.float32]]] = {}

    def _grid(self, height: int, width: int) -> list[NDArray[np.float32]]:
        key = (height, width)
        if key not in self._priors:
            grids = []
            for stride in STRIDES:
                rows, cols = height // stride, width // stride
                ys, xs = np.mgrid[0:rows, 0:cols]
                grids.append(np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32))
            self._priors[key] = grids
        return self._priors[key]

    def detect(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        return self.refine(image_bgr, self.detect_coarse(image_bgr))

    def detect_all(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        """Every face of a large photo, however small, ready to embed: full-resolution
        tiles plus one pass at `max_side` (models/tiles.py), each face then looked at
        again enlarged. A photo no longer than `max_side` takes `detect` unchanged.

        Full resolution shows the detector many more small things that look like a face
        (a cup in t1.jpg at 0.6x scored 0.61); seen again enlarged it scored 0.14 where
        the faces scored 0.91 and more, so a face the second look does not confirm at
        `score_threshold` is dropped."""
        if max(image_bgr.shape[:2]) <= self.max_side:
            return self.detect(image_bgr)
        size = self.tiles.size
        faces = detect_tiled(
            image_bgr,
            look=lambda tile: self._detect(tile, size),
            whole=self.detect_coarse,
            layout=self.tiles,
            iou=self.nms_threshold,
        )
        confirmed = [self._confirmed(image_bgr, face) for face in faces]
        return [face for face in confirmed if face is not None]

    def _confirmed(self, image_bgr: NDArray[np.uint8], face: DetectedFace) -> DetectedFace | None:
        """The face as `refine` gives it, or None when a second look finds no face there."""
        size = self.refine_size or CONFIRM_SIZE
        second = self._second_look(image_bgr, face, size, self.score_threshold)
        if second is None:
            return None
        if face.short_side >= self.refine_size:
            return face
        landmarks = (face.landmarks + second.landmarks) / 2
        return DetectedFace(box=face.box, score=face.score, landmarks=landmarks.astype(np.float32))

    def detect_coarse(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        """The first look only: enough to find and follow faces, not to embed them."""
        return self._detect(image_bgr, self.max_side)

    def refine(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> list[DetectedFace]:
        """The second look at each small face; `detect` is `refine(detect_coarse(...))`."""
        if self.refine_size <= 0:
            return faces
        return [
            self._refine(image_bgr, face) if face.short_side < self.refine_size else face
            for face in faces
        ]

    def _refine(self, image_bgr: NDArray[np.uint8], face: DetectedFace) -> DetectedFace:
        """The same face, its landmarks averaged with a second look at an enlarged crop."""
        second = self._second_look(image_bgr, face, self.refine_size, self.score_threshold)
        if second is None:
            return face
        landmarks = (face.landmarks + second.landmarks) / 2
        return DetectedFace(box=face.box, score=face.score, landmarks=landmarks.astype(np.float32))

    def confidence(self, image_bgr: NDArray[np.uint8], face: DetectedFace) -> float:
        """How sure the detector is that this is a human face, on a second, closer look.

        The face is enlarged (or reduced) to CONFIRM_SIZE pixels with its surroundings; the
        score of the detection found there (0 if none). A dog's face scored 0.881 where the
        subjects of real portraits scored at least 0.899 (docs/benchmarks.md, enrollment).
        """
        second = self._second_look(image_bgr, face, CONFIRM_SIZE, CONFIRM_FLOOR)
        return 0.0 if second is None else second.score

    def _second_look(
        self, image_bgr: NDArray[np.uint8], face: DetectedFace, size: int, min_score: float
    ) -> DetectedFace | None:
        """The face found again in a crop twice its size scaled so the face is `size` px,
        in the image's coordinates; None if the detector finds no face centred there."""
        x, y, w, h = face.box
        side = max(w, h, 1.0)
        cx, cy = x + w / 2, y + h / 2
        height, width = image_bgr.shape[:2]
        # A crop twice the face's size: context enough for the detector to see a face.
        x0, y0 = max(0, int(cx - side)), max(0, int(cy - side))
        x1, y1 = min(width, int(np.ceil(cx + side))), min(height, int(np.ceil(cy + side)))
        if x1 <= x0 or y1 <= y0:
            return None
        zoom = size / side
        crop = np.asarray(
            cv2.resize(
                image_bgr[y0:y1, x0:x1], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_LINEAR
            ),
            dtype=np.uint8,
        )
        found = self._detect(crop, max(crop.shape[:2]), min_score)
        if not found:
            return None
        target = np.array([(cx - x0) * zoom, (cy - y0) * zoom])
        best = min(
            found,
            key=lambda f: float(
                np.hypot(*(np.array(f.box[:2]) + np.array(f.box[2:]) / 2 - target))
            ),
        )
        bx, by, bw, bh = best.box
        if (
            abs(bx + bw / 2 - target[0]) > side * zoom / 2
            or abs(by + bh / 2 - target[1]) > side * zoom / 2
        ):
            return None  # the second look found another face, not this one
        offset = np.array([x0, y0], dtype=np.float32)
        return DetectedFace(
            box=(bx / zoom + x0, by / zoom + y0, bw / zoom, bh / zoom),
            score=best.score,
            landmarks=(best.landmarks / zoom + offset).astype(np.float32),
        )

    def _detect(
        self, image_bgr: NDArray[np.uint8], max_side: int, min_score: float | None = None
    ) -> list[DetectedFace]:
        height, width = image_bgr.shape[:2]
        scale = min(1.0, max_side / max(height, width))
        new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
        resized = (
            image_bgr
            if scale == 1.0
            else cv2.resize(image_bgr, (new_w, new_h), interpolation=cv2.INTER_AREA)
        )
        pad_h, pad_w = _pad_to(new_h), _pad_to(new_w)
        canvas = np.zeros((pad_h, pad_w, 3), dtype=np.float32)
        canvas[:new_h, :new_w] = resized
        blob = canvas.transpose(2, 0, 1)[None]  # YuNet takes BGR 0..255, no normalisation
        outputs = dict(zip(self._outputs, self._session.run(self._outputs, {self._input: blob})))
        threshold = self.score_threshold if min_score is None else min_score
        boxes, scores, landmarks = self._decode(outputs, pad_h, pad_w, threshold)
        if not len(scores):
            return []
        keep = nms(boxes, scores, self.nms_threshold)[: self.top_k]
        # Undo the resize: sx, sy map network pixels back to the caller's pixels.
        sx, sy = width / new_w, height / new_h
        faces = []
        for i in keep:
            x, y, w, h = boxes[i]
            faces.append(
                DetectedFace(
                    box=(float(x * sx), float(y * sy), float(w * sx), float(h * sy)),
                    score=float(scores[i]),
                    landmarks=(landmarks[i] * np.array([sx, sy], dtype=np.float32)).astype(
                        np.float32
                    ),
                )
            )
        return faces

    def _decode(
        self, out: dict[str, NDArray[np.float32]], height: int, width: int, min_score: float
    ) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
        all_boxes, all_scores, all_kps = [], [], []
        for stride, grid in zip(STRIDES, self._grid(height, width)):
            cls = out[f"cls_{stride}"][0, :, 0]
            obj = out[f"obj_{stride}"][0, :, 0]
            score = np.sqrt(np.clip(cls, 0, 1) * np.clip(obj, 0, 1))
            mask = score >= min_score
            if not mask.any():
                continue
            cells = grid[mask]
            bbox = out[f"bbox_{stride}"][0][mask]
            kps = out[f"kps_{stride}"][0][mask].reshape(-1, 5, 2)
            centre = (cells + bbox[:, :2]) * stride
            size = np.exp(bbox[:, 2:4]) * stride
            all_boxes.append(np.concatenate([centre - size / 2, size], axis=1))
            all_scores.append(score[mask])
            all_kps.append((kps + cells[:, None, :]) * stride)
        if not all_scores:
            empty = np.zeros((0,), dtype=np.float32)
            return empty.reshape(0, 4), empty, empty.reshape(0, 5, 2)
        return (
            np.concatenate(all_boxes).astype(np.float32),
            np.concatenate(all_scores).astype(np.float32),
            np.concatenate(all_kps).astype(np.float32),
        )
