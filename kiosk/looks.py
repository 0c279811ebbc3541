"""Which tracked faces the kiosk embeds in a frame: the undecided first, then decided ones to
check that the face there is still the person it was decided to be."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kiosk.decider import TrackDecider
from kiosk.screen import COME_CLOSER_PX
from kiosk.tracker import TrackUpdate
from models.types import DetectedFace

logger = logging.getLogger(__name__)

# A decided face is looked at again at least this often. At two frames a second a person can
# step into the spot another just left between two frames, with no missed frame and a box
# much like the last: the tracker alone would give the newcomer the first one's decision.
RECHECK_S = 2.0


@dataclass(frozen=True)
class LookPlan:
    faces: list[int]  # indexes into the frame's faces, in the order to embed them
    checks: frozenset[int]  # those of them whose track is decided: a look to confirm it


class LookPlanner:
    """Undecided faces come first (least recently looked at, then the largest); a decided
    face is looked at again when its track is doubtful (seen again after missed frames, or
    its box jumped) or every `recheck_s`, when the frame has room left. Faces under the
    come-closer size are never looked at: they are asked to come closer, and decided on when
    they have (one message per face, never "come closer" and a check-in at once)."""

    def __init__(self, *, max_per_frame: int, recheck_s: float = RECHECK_S) -> None:
        self.max_per_frame = max_per_frame
        self.recheck_s = recheck_s
        self._looked: dict[int, tuple[int, float]] = {}  # track -> (frame index, captured_at)

    def forget(self, track_ids: Iterable[int]) -> None:
        for track_id in track_ids:
            self._looked.pop(track_id, None)

    def looked(self, track_id: int, *, index: int, captured_at: float) -> None:
        self._looked[track_id] = (index, captured_at)

    def plan(
        self,
        faces: Sequence[DetectedFace],
        update: TrackUpdate,
        decider: TrackDecider,
        *,
        captured_at: float,
    ) -> LookPlan:
        undecided, checks = [], []
        for i, (face, track_id) in enumerate(zip(faces, update.track_ids)):
            if face.short_side < COME_CLOSER_PX:
                continue
            if decider.needs_embedding(track_id):
                undecided.append(i)
            elif track_id in update.doubtful or self._due(track_id, captured_at):
                checks.append(i)

        def order(i: int) -> tuple[int, float]:
            return self._looked.get(update.track_ids[i], (-1, 0.0))[0], -faces[i].area

        chosen = (sorted(undecided, key=order) + sorted(checks, key=order))[: self.max_per_frame]
        return LookPlan(chosen, frozenset(i for i in chosen if i in checks))

    def _due(self, track_id: int, captured_at: float) -> bool:
        last = self._looked.get(track_id)
        return last is None or captured_at - last[1] >= self.recheck_s
