"""Which uncertain faces a kiosk sends to the review queue: steady ones, once, not in a flood."""

from __future__ import annotations

import logging
from collections.abc import Container, Iterable, Sequence
from datetime import datetime

from attendance.matching import FaceDecision
from attendance.review.service import needs_review
from kiosk.capture import Frame
from kiosk.sighting_outbox import SightingEvent, SightingOutbox
from kiosk.sync import RoomMeeting
from models.crops import face_crop_jpeg
from models.types import DetectedFace

logger = logging.getLogger(__name__)


class SightingReporter:
    """Queues a track's grey-zone face once it has been so for `frames_needed` looks in a row.

    The rule is the server's (`needs_review`, per meeting roster). One sighting at most per
    (track, candidate), and per (meeting, candidate) one per `cooldown_s`: someone standing
    at the door for a minute, lost and found again by the tracker, is one question for the
    secretary, not hundreds.
    """

    def __init__(
        self,
        outbox: SightingOutbox,
        *,
        name: str,
        threshold: float,
        frames_needed: int = 2,
        cooldown_s: float = 300.0,
    ) -> None:
        self.outbox = outbox
        self.name = name
        self.threshold = threshold
        self.frames_needed = max(1, frames_needed)
        self.cooldown_s = cooldown_s
        self._streaks: dict[int, tuple[int, int]] = {}  # track -> (candidate, looks in a row)
        self._reported: set[tuple[int, int]] = set()  # (track, candidate)
        self._last: dict[tuple[int, int], float] = {}  # (meeting, candidate) -> captured_at

    def forget(self, track_ids: Iterable[int]) -> None:
        ended = set(track_ids)
        for track_id in ended:
            self._streaks.pop(track_id, None)
        self._reported = {r for r in self._reported if r[0] not in ended}

    def observe(
        self,
        *,
        frame: Frame,
        face: DetectedFace,
        track_id: int,
        decision: FaceDecision,
        meetings: Sequence[RoomMeeting],
        checked_in: Container[tuple[int, int]],
        now: datetime,
    ) -> int:
        """One embedded look at a track; the number of sightings it queued (one per meeting)."""
        candidate = decision.candidate_id
        grey = [
            m
            for m in meetings
            if needs_review(decision, threshold=self.threshold, roster=m.person_ids)
            and (m.id, candidate) not in checked_in
        ]
        if candidate is None or not grey:
            self._streaks.pop(track_id, None)
            return 0
        held = self._streaks.get(track_id)
        looks = held[1] + 1 if held is not None and held[0] == candidate else 1
        self._streaks[track_id] = (candidate, looks)
        if looks < self.frames_needed or (track_id, candidate) in self._reported:
            return 0
        self._reported.add((track_id, candidate))
        crop: bytes | None = None
        queued = 0
        for meeting in grey:
            last = self._last.get((meeting.id, candidate))
            if last is not None and frame.captured_at - last < self.cooldown_s:
                continue
            self._last[(meeting.id, candidate)] = frame.captured_at
            crop = crop or face_crop_jpeg(frame.image, face.box)
            assert decision.similarity is not None  # needs_review holds only with a score
            sighting = SightingEvent(
                idempotency_key=f"{self.name}:{meeting.id}:{candidate}:t{track_id}:"
                f"{int(now.timestamp())}",
                meeting_id=meeting.id,
                candidate_id=candidate,
                runner_up_id=decision.runner_up_id,
                similarity=decision.similarity,
                margin=decision.margin,
                at=now.isoformat(),
                crop_jpeg=crop,
            )
            if self.outbox.enqueue(sighting):
                queued += 1
                logger.info(
                    "uncertain face of person %d for meeting %d queued for review",
                    candidate,
                    meeting.id,
                )
        return queued
