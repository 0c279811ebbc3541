"""Following faces from frame to frame by the overlap (IoU) of their boxes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

logger = logging.getLogger(__name__)

Box = tuple[float, float, float, float]  # x, y, width, height


def iou_matrix(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """(len(a), len(b)) intersection over union of (x, y, w, h) boxes."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), dtype=np.float64)
    ax0, ay0, ax1, ay1 = a[:, 0], a[:, 1], a[:, 0] + a[:, 2], a[:, 1] + a[:, 3]
    bx0, by0, bx1, by1 = b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    w = np.clip(np.minimum(ax1[:, None], bx1[None]) - np.maximum(ax0[:, None], bx0[None]), 0, None)
    h = np.clip(np.minimum(ay1[:, None], by1[None]) - np.maximum(ay0[:, None], by0[None]), 0, None)
    inter = w * h
    union = (a[:, 2] * a[:, 3])[:, None] + (b[:, 2] * b[:, 3])[None] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


@dataclass
class Track:
    id: int
    box: Box
    hits: int = 1
    missed: int = 0


# A box that overlaps its track's last box less than this has jumped: at a low frame rate
# that is as likely another face in the same spot as the same face moving.
JUMP_IOU = 0.5


@dataclass(frozen=True)
class TrackUpdate:
    track_ids: list[int]  # one per box passed in, in the same order
    ended: list[int]  # tracks not seen for too long, forgotten now
    # Tracks followed on across a doubt: seen again after missed frames, or a box that jumped.
    # Whoever a face there was decided to be, the face may now be someone else's.
    doubtful: frozenset[int] = field(default_factory=frozenset)


class IouTracker:
    """Greedy association, best overlap first: a face keeps its track while it moves a little.

    A box that overlaps no live track by `min_iou` starts a new track; a track unseen for more
    than `max_missed` frames ends (a face that leaves and comes back is a new track). A track
    followed on after missed frames, or by a box overlapping its last one less than
    `jump_iou`, is reported `doubtful`: the caller may look again and `split` it.
    """

    def __init__(
        self, *, min_iou: float = 0.3, max_missed: int = 5, jump_iou: float = JUMP_IOU
    ) -> None:
        self.min_iou = min_iou
        self.max_missed = max_missed
        self.jump_iou = jump_iou
        self.tracks: dict[int, Track] = {}
        self._next_id = 1

    def update(self, boxes: Sequence[Box]) -> TrackUpdate:
        live = list(self.tracks.values())
        old = np.array([t.box for t in live], dtype=np.float64).reshape(-1, 4)
        new = np.array(boxes, dtype=np.float64).reshape(-1, 4)
        overlap = iou_matrix(new, old)
        assigned: list[int | None] = [None] * len(new)  # the index in `live` of each box's track
        taken: set[int] = set()
        if overlap.size:
            order = np.argsort(-overlap, axis=None, kind="stable")
            for flat in order:
                b, t = divmod(int(flat), len(live))
                if overlap[b, t] < self.min_iou:
                    break
                if assigned[b] is None and t not in taken:
                    assigned[b] = t
                    taken.add(t)
        ids = []
        doubtful = set()
        for b, held in enumerate(assigned):
            box: Box = tuple(float(v) for v in new[b])  # type: ignore[assignment]
            if held is None:
                ids.append(self._new_track(box))
                continue
            track = live[held]
            if track.missed > 0 or overlap[b, held] < self.jump_iou:
                doubtful.add(track.id)
            track.box, track.hits, track.missed = box, track.hits + 1, 0
            ids.append(track.id)
        ended = []
        for t, track in enumerate(live):
            if t not in taken:
                track.missed += 1
                if track.missed > self.max_missed:
                    ended.append(track.id)
                    del self.tracks[track.id]
        return TrackUpdate(ids, ended, frozenset(doubtful))

    def split(self, track_id: int) -> int:
        """End this track and start a new one at its box: the face there is someone else."""
        track = self.tracks.pop(track_id)
        return self._new_track(track.box)

    def _new_track(self, box: Box) -> int:
        track_id = self._next_id
        self._next_id += 1
        self.tracks[track_id] = Track(track_id, box)
        return track_id
